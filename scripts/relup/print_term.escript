#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%% print_term.escript FILE: prints the single term of FILE (as file:consult
%% reads it) on one line, as make_relup.escript --compact does.
main([F]) ->
    case file:consult(F) of
        {ok, [T]} -> io:format("~0tp.~n", [T]);
        Other -> io:format("unreadable: ~0tp~n", [Other]), halt(1)
    end.
