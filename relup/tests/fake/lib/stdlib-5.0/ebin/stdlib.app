{application, stdlib,
 [{description, "fake stdlib"},
  {vsn, "5.0"},
  {modules, [lists, gen_server]},
  {registered, []},
  {applications, [kernel]}]}.
