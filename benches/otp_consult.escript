#!/usr/bin/env escript
%%! -noshell
%% Times file:consult/1 inside the VM (no VM start-up included) and prints
%% MB/s per file: escript benches/otp_consult.escript FILE...
main(Files) ->
    lists:foreach(fun(F) -> time_file(F) end, Files).

time_file(File) ->
    Bytes = filelib:file_size(File),
    {ok, _} = file:consult(File),                 % warm the file cache
    Runs = max(1, min(20, (64 bsl 20) div max(Bytes, 1))),
    {Micros, _} = timer:tc(fun() -> [ {ok, _} = file:consult(File) || _ <- lists:seq(1, Runs) ] end),
    Secs = Micros / 1.0e6 / Runs,
    io:format("~s\t~b bytes\t~.3f ms\t~.2f MB/s~n",
              [File, Bytes, Secs * 1000, Bytes / 1048576 / Secs]).
