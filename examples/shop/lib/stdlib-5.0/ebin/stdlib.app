{application, stdlib,
 [{description, "Fake stdlib"},
  {vsn, "5.0"},
  {modules, [lists, gen_server]},
  {registered, []},
  {applications, [kernel]}]}.
