#!/usr/bin/env escript
%% -*- erlang -*-
%%! -noshell
%%
%% beam_info.escript -- what beam_lib says about .beam files, one line each,
%% in the format of `cargo run -p beamfile --example beam_info`:
%%
%%   FILE \t MODULE \t MD5 \t BEHAVIOURS \t EXPORTS \t IMPORTS \t ATTRIBUTES \t COMPILE_INFO
%%
%% MD5 is beam_lib:md5/1 in lowercase hex; BEHAVIOURS the `behaviour' then
%% `behavior' attribute values; EXPORTS and IMPORTS sorted; terms printed
%% with ~w (spec/canonical-print.md). A file beam_lib rejects prints
%% FILE \t error.
%% Usage: escript beam_info.escript FILE...   (or file names on stdin with -)
-mode(compile).

main(["-"]) ->
    main(read_lines());
main(Files) ->
    ok = io:setopts(standard_io, [{encoding, latin1}]),
    lists:foreach(fun one/1, Files).

read_lines() ->
    case io:get_line("") of
        eof -> [];
        L -> [string:trim(L, trailing, "\n") | read_lines()]
    end.

one(F) ->
    case {beam_lib:md5(F), beam_lib:chunks(F, [exports, imports, attributes, compile_info],
                                            [allow_missing_chunks])} of
        {{ok, {M, Md5}}, {ok, {M, [{exports, E}, {imports, I}, {attributes, A}, {compile_info, C}]}}} ->
            A1 = case A of missing_chunk -> none; _ -> A end,
            C1 = case C of missing_chunk -> none; _ -> C end,
            Bs = case A1 of
                     none -> [];
                     _ -> proplists:get_value(behaviour, A1, []) ++ proplists:get_value(behavior, A1, [])
                 end,
            io:format("~s\t~s\t~s\t~s\t~s\t~s\t~s\t~s~n",
                      [F, w(M), hex(Md5), w(Bs), w(lists:sort(E)), w(lists:sort(I)),
                       w(A1), w(C1)]);
        _ ->
            io:format("~s\terror~n", [F])
    end.

%% ~w, except that `maybe' and `else' are quoted, as the canonical print
%% does (spec/canonical-print.md; ~w on OTP 25 leaves them bare).
w(maybe) -> "'maybe'";
w(else) -> "'else'";
w(T) when is_tuple(T) ->
    ["{", lists:join(",", [w(X) || X <- tuple_to_list(T)]), "}"];
w(T) when is_list(T), T =/= [] ->
    case has_feature_atom(T) of
        true -> list(T);
        false -> io_lib:format("~w", [T])
    end;
w(T) -> io_lib:format("~w", [T]).

list(L) -> ["[", list_items(L), "]"].
list_items([X]) -> w(X);
list_items([X | T]) when is_list(T) -> [w(X), ",", list_items(T)];
list_items([X | T]) -> [w(X), "|", w(T)].

has_feature_atom(maybe) -> true;
has_feature_atom(else) -> true;
has_feature_atom(T) when is_tuple(T) -> has_feature_atom(tuple_to_list(T));
has_feature_atom([H | T]) -> has_feature_atom(H) orelse has_feature_atom(T);
has_feature_atom(_) -> false.

hex(B) -> [io_lib:format("~2.16.0b", [X]) || <<X>> <= B].
