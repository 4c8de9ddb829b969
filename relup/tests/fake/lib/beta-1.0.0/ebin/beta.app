{application, beta,
 [{description, "fake beta"},
  {vsn, "1.0.0"},
  {modules, [beta_mod]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
