#!/usr/bin/env escript
%% -*- erlang -*-
%% Edits release files in place, to inject the mistakes that
%% scripts/live-upgrade.sh expects `erlrel upgrade check` to find. Each
%% edit reads the file with file:consult/1 and writes it back with ~p, so
%% OTP can still read it.
%%
%%   appup-from FILE OLD NEW     entries for version OLD now name NEW
%%   appup-drop FILE MODULE      instructions for MODULE removed (up and down)
%%   appup-add FILE INSTR        INSTR (Erlang text) prepended to every up entry
%%   appup-replace FILE MODULE INSTR
%%                               instructions for MODULE replaced by INSTR
%%   relup-drop FILE MODULE      {load, {MODULE, _, _}} removed from the up scripts
%%   rel-erts FILE VSN           the .rel file names ERTS version VSN
%%
%% Exit 0 when the file changed, 1 when the edit matched nothing, 2 on
%% bad usage or an unreadable file.
-mode(compile).

main(["appup-from", File, Old, New]) ->
    edit_appup(File, fun(Entries) ->
        [{rename(V, Old, New), Is} || {V, Is} <- Entries]
    end, both);
main(["appup-drop", File, Mod]) ->
    M = list_to_atom(Mod),
    edit_appup(File, fun(Entries) ->
        [{V, [I || I <- Is, instr_module(I) =/= M]} || {V, Is} <- Entries]
    end, both);
main(["appup-add", File, Instr]) ->
    I = parse(Instr),
    edit_appup(File, fun(Entries) -> [{V, [I | Is]} || {V, Is} <- Entries] end, up);
main(["appup-replace", File, Mod, Instr]) ->
    M = list_to_atom(Mod),
    New = parse(Instr),
    edit_appup(File, fun(Entries) ->
        [{V, [case instr_module(I) of M -> New; _ -> I end || I <- Is]}
         || {V, Is} <- Entries]
    end, both);
main(["relup-drop", File, Mod]) ->
    M = list_to_atom(Mod),
    [{Vsn, Ups, Downs}] = consult(File),
    Ups1 = [{V, D, [I || I <- Is, not is_load_of(I, M)]} || {V, D, Is} <- Ups],
    write(File, {Vsn, Ups, Downs}, {Vsn, Ups1, Downs});
main(["rel-erts", File, ErtsVsn]) ->
    [{release, R, {erts, _} = Old, Apps}] = consult(File),
    write(File, {release, R, Old, Apps}, {release, R, {erts, ErtsVsn}, Apps});
main(_) ->
    io:format(standard_error, "usage: see the head of ~s~n", [escript:script_name()]),
    halt(2).

edit_appup(File, F, Which) ->
    [{Vsn, Up, Down} = Old] = consult(File),
    New = case Which of
              both -> {Vsn, F(Up), F(Down)};
              up -> {Vsn, F(Up), Down}
          end,
    write(File, Old, New).

rename(Old, Old, New) -> New;
rename(V, _, _) -> V.

instr_module({load_module, M}) -> M;
instr_module({load_module, M, _}) -> M;
instr_module({load_module, M, _, _, _}) -> M;
instr_module({update, M}) -> M;
instr_module({update, M, _}) -> M;
instr_module({update, M, _, _}) -> M;
instr_module({update, M, _, _, _}) -> M;
instr_module({update, M, _, _, _, _}) -> M;
instr_module({add_module, M}) -> M;
instr_module({add_module, M, _}) -> M;
instr_module({delete_module, M}) -> M;
instr_module({delete_module, M, _}) -> M;
instr_module(_) -> none.

is_load_of({load, {M, _, _}}, M) -> true;
is_load_of(_, _) -> false.

parse(Text) ->
    {ok, Tokens, _} = erl_scan:string(Text ++ "."),
    {ok, Term} = erl_parse:parse_term(Tokens),
    Term.

consult(File) ->
    case file:consult(File) of
        {ok, Terms} -> Terms;
        {error, Reason} ->
            io:format(standard_error, "~s: ~p~n", [File, Reason]),
            halt(2)
    end.

write(File, Same, Same) ->
    io:format(standard_error, "~s: the edit matched nothing~n", [File]),
    halt(1);
write(File, _Old, New) ->
    %% A new file renamed over the old one: a hard-linked copy of a
    %% release stays untouched.
    Tmp = File ++ ".edit",
    ok = file:write_file(Tmp, io_lib:format("~p.~n", [New])),
    ok = file:rename(Tmp, File).
