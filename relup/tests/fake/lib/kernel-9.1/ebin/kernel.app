{application, kernel,
 [{description, "fake kernel"},
  {vsn, "9.1"},
  {modules, [application, code, kernel, kernel_new]},
  {registered, []},
  {applications, []}]}.
