{application, kernel,
 [{description, "fake kernel"},
  {vsn, "9.0"},
  {modules, [application, code, kernel]},
  {registered, []},
  {applications, []}]}.
