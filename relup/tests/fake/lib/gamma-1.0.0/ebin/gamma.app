{application, gamma,
 [{description, "fake gamma"},
  {vsn, "1.0.0"},
  {modules, [gamma_a, gamma_b]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
