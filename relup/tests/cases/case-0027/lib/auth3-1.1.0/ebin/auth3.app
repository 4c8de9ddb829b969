{application, auth3,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [auth3_m1]},
  {registered, []},
  {applications, [kernel, stdlib, web0]}]}.
