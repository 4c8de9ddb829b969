{application, sasl,
 [{description, "generated"},
  {vsn, "2.1"},
  {modules, [release_handler, systools]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
