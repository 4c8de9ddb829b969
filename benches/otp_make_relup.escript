#!/usr/bin/env escript
%%! -noshell
%% Times systools:make_relup/4 inside the VM on a release pair written by
%% gen_releases: escript benches/otp_make_relup.escript DIR
main([Dir]) ->
    Old = filename:join([Dir, "releases", "1.0.0", "big"]),
    New = filename:join([Dir, "releases", "2.0.0", "big"]),
    Path = [filename:join([Dir, "lib", "*", "ebin"])],
    Opts = [noexec, silent, {path, Path}],
    {Micros, Result} = timer:tc(systools, make_relup, [New, [Old], [Old], Opts]),
    ok = element(1, Result),
    io:format("~s\tsystools:make_relup\t~.1f ms~n", [Dir, Micros / 1000]).
