{application, kernel,
 [{description, "generated"},
  {vsn, "9.0"},
  {modules, [application, code, kernel]},
  {registered, []},
  {applications, []}]}.
