#!/usr/bin/env escript
%% For each script (one term per line of relup_file_cases.txt), prints what
%% release_handler_1 answers with LibDirs = [{demo, "1.0", Lib}] (Lib has
%% ebin/m1.beam):  LINE<TAB>CheckScript<TAB>EvalScript  (~w), where
%% CheckScript is check_script/2 (what check_install_release runs) and
%% EvalScript eval_script/5 (what install_release runs after it);
%% {'EXIT', _} is printed as crash.
%% Usage: escript relup_file_oracle.escript relup_file_cases.txt > relup_file_otp.txt
main([Cases]) ->
    Tmp = string:trim(os:cmd("mktemp -d")),
    Ebin = filename:join([Tmp, "demo-1.0", "ebin"]),
    ok = filelib:ensure_dir(filename:join(Ebin, "x")),
    Src = filename:join(Tmp, "m1.erl"),
    ok = file:write_file(Src, "-module(m1).\n-export([f/0]).\nf() -> ok.\n"),
    {ok, m1} = compile:file(Src, [{outdir, Ebin}]),
    LibDirs = [{demo, "1.0", filename:join(Tmp, "demo-1.0")}],
    {ok, Scripts} = file:consult(Cases),
    lists:foldl(fun(Script, N) ->
        Check = run(fun() -> release_handler_1:check_script(Script, LibDirs) end),
        code:purge(m1), code:delete(m1), code:purge(m1),
        Eval = run(fun() -> release_handler_1:eval_script(Script, [], LibDirs, LibDirs, []) end),
        code:purge(m1), code:delete(m1), code:purge(m1),
        io:format("~w\t~w\t~w~n", [N, Check, Eval]),
        N + 1
    end, 1, Scripts),
    os:cmd("rm -rf " ++ Tmp).

run(F) ->
    Self = self(),
    Pid = spawn(fun() -> Self ! {self(), norm(catch F())} end),
    receive {Pid, R} -> R after 10000 -> timeout end.

norm({ok, _}) -> ok;
norm({error, {'EXIT', _}}) -> {error, crash};
norm({'EXIT', _}) -> crash;
norm(Other) -> Other.
