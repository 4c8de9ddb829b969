{application, alpha,
 [{description, "fake alpha"},
  {vsn, "1.1.0"},
  {modules, [alpha_app, alpha_sup, alpha_server, alpha_lib, alpha_new]},
  {registered, []},
  {applications, [kernel, stdlib]}, {mod, {alpha_app, []}}]}.
