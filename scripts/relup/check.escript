#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%%
%% check.escript CASESDIR [--record]
%%
%% For every CASESDIR/case-*/ written by `gen_cases gen` and run by
%% `gen_cases run`, calls systools:make_relup/4 in this one VM (options
%% noexec, silent, {path, [CASE/lib/*/ebin]} plus the case's options, as
%% shared/oracle/make_relup.escript does) and compares with rust.txt:
%% {ok, Relup, Warnings} must be equal as terms, errors must have the same
%% reason tag. Also compares the relup file text with what systools writes
%% (io_lib "~tp"), reported separately. With --record, writes otp.txt.
%% Exit 0 when every case agrees; last line "N passed, N failed".

main([Dir | Flags]) ->
    Record = lists:member("--record", Flags),
    Cases = lists:sort(filelib:wildcard(filename:join(Dir, "case-*"))),
    {P, F, L} = lists:foldl(fun(C, {P0, F0, L0}) ->
                                    case check(C, Record) of
                                        {ok, LayoutOk} -> {P0 + 1, F0, L0 + bad(LayoutOk)};
                                        fail -> {P0, F0 + 1, L0}
                                    end
                            end, {0, 0, 0}, Cases),
    io:format("relup file layout differs from systools' in ~w case(s)~n", [L]),
    io:format("~w passed, ~w failed~n", [P, F]),
    halt(case F of 0 -> 0; _ -> 1 end);
main(_) ->
    io:format(standard_error, "usage: check.escript CASESDIR [--record]~n", []),
    halt(2).

bad(true) -> 0;
bad(false) -> 1.

check(Case, Record) ->
    {ok, [{Top, Up, Down, Opts}]} = file:consult(filename:join(Case, "case.txt")),
    Abs = fun(R) -> filename:join(filename:absname(Case), R) end,
    Path = [filename:join(filename:absname(Case), "lib/*/ebin")],
    Otp = try systools:make_relup(Abs(Top), [Abs(U) || U <- Up], [Abs(D) || D <- Down],
                                  [noexec, silent, {path, Path} | Opts]) of
              {ok, Relup, _, Ws} -> {ok, Relup, Ws};
              {error, _Mod, Reason} -> {error, tag(Reason)};
              Other -> {error, {unexpected, Other}}
          catch _:_ -> {error, exception}
          end,
    Record andalso file:write_file(filename:join(Case, "otp.txt"),
                                   io_lib:format("~p.~n", [Otp])),
    Rust = case file:consult(filename:join(Case, "rust.txt")) of
               {ok, [R]} -> R;
               Err -> {unreadable, Err}
           end,
    case Rust =:= Otp of
        true ->
            {ok, layout_ok(Case, Otp)};
        false ->
            io:format("MISMATCH ~s~n  otp:  ~0tp~n  rust: ~0tp~n", [Case, Otp, Rust]),
            fail
    end.

layout_ok(Case, {ok, Relup, _}) ->
    Want = unicode:characters_to_binary(io_lib:format("%% ~s~n~tp.~n", ["coding: utf-8", Relup])),
    case file:read_file(filename:join(Case, "rust.relup")) of
        {ok, Want} -> true;
        _ -> io:format("layout differs: ~s~n", [Case]), false
    end;
layout_ok(_, _) -> true.

tag(R) when is_atom(R) -> R;
tag(R) when is_tuple(R) -> element(1, R);
tag([R | _]) when is_tuple(R) -> element(1, R);
tag(R) -> R.
