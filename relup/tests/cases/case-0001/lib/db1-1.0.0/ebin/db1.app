{application, db1,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [db1_m1, db1_m2]},
  {registered, []},
  {applications, [kernel, stdlib, web0]}]}.
