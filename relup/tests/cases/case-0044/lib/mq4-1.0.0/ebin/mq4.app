{application, mq4,
 [{description, "generated"},
  {vsn, "1.0.0"},
  {modules, [mq4_m1]},
  {registered, []},
  {applications, [kernel, stdlib, db1]}]}.
