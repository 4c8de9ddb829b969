{application, delta,
 [{description, "fake delta"},
  {vsn, "1.0.0"},
  {modules, [delta_mod]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
