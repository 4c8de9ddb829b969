{application, db1,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [db1_m1, db1_m2, db1_m3, db1_m4]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
