{application, web0,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [web0_m1, web0_m2, web0_m3, web0_m4]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
