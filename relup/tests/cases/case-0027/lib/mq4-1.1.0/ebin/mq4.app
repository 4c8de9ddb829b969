{application, mq4,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [mq4_m1, mq4_m2]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
