{application, beta,
 [{description, "fake beta"},
  {vsn, "1.1.0"},
  {modules, [beta_mod, beta_a, beta_b, beta_lib]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
