{application, mq4,
 [{description, "generated"},
  {vsn, "1.1.0"},
  {modules, [mq4_m2, mq4_new]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
