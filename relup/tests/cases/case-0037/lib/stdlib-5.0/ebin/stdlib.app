{application, stdlib,
 [{description, "generated"},
  {vsn, "5.0"},
  {modules, [lists, gen_server]},
  {registered, []},
  {applications, [kernel]}]}.
