{application, web0,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [web0_m2]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
