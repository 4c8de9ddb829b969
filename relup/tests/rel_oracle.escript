#!/usr/bin/env escript
%% Prints, for each DIR/*.rel, what systools_make:read_release/2 (the
%% .rel reading and check_rel of systools:make_script/make_relup) answers:
%%   NAME<TAB>ok<TAB>Warnings   or   NAME<TAB>error<TAB>Reason   (~w)
%% Usage: escript rel_oracle.escript DIR > rel_otp.txt
main([Dir]) ->
    Files = lists:sort(filelib:wildcard(filename:join(Dir, "*.rel"))),
    lists:foreach(fun(F) ->
        Root = filename:rootname(F),
        Name = filename:basename(Root),
        R = try systools_make:read_release(Root, []) of
                {ok, _Rel, Ws} -> {ok, Ws}
            catch
                throw:{error, systools_make, {parse, _File, _Why}} -> {error, parse};
                throw:{error, systools_make, {read, _File}} -> {error, read};
                throw:{error, systools_make, {'EXIT', _}} -> {error, crash};
                throw:{error, systools_make, E} -> {error, E};
                C:E -> {error, {C, E}}
            end,
        io:format("~ts\t~w\t~w~n", [Name, element(1, R), element(2, R)])
    end, Files).
