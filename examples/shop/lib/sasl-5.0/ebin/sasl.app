{application, sasl,
 [{description, "Fake sasl"},
  {vsn, "5.0"},
  {modules, [release_handler, systools]},
  {registered, []},
  {applications, [kernel, stdlib]}]}.
