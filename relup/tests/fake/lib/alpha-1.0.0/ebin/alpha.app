{application, alpha,
 [{description, "fake alpha"},
  {vsn, "1.0.0"},
  {modules, [alpha_app, alpha_sup, alpha_server, alpha_lib]},
  {registered, []},
  {applications, [kernel, stdlib]}, {mod, {alpha_app, []}}]}.
