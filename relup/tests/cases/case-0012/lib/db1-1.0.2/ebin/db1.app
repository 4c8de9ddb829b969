{application, db1,
 [{description, "generated"},
  {vsn, "1.0.2"},
  {modules, [db1_m1, db1_m2, db1_m3, db1_m4, db1_m5]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
