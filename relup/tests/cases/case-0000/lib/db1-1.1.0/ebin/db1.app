{application, db1,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [db1_m1]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
