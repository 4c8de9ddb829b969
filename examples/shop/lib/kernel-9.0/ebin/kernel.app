{application, kernel,
 [{description, "Fake kernel (stand-in for OTP's)"},
  {vsn, "9.0"},
  {modules, [application, code, kernel]},
  {registered, []},
  {applications, []}]}.
