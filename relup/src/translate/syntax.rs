//! Expansion of short forms and the syntax check of instructions
//! (`systools_rc:expand_script/1`, `check_op/1`).

use std::borrow::Cow;

use erlterm::Term;

use crate::error::TranslateError;

pub(crate) fn atom(s: &str) -> Term {
    Term::atom(s)
}

/// `{Tag, ...}` with at least two elements: its tag.
pub(crate) fn tag(t: &Term) -> Option<&str> {
    match t.as_tuple() {
        Some([first, _, ..]) => first.as_atom(),
        _ => None,
    }
}

/// Elements of a proper list (strings included); `None` otherwise.
pub(crate) fn elems(t: &Term) -> Option<Cow<'_, [Term]>> {
    t.list_items()
}

fn is_list(t: &Term) -> bool {
    t.is_proper_list()
}

fn is_tuple(t: &Term) -> bool {
    matches!(t, Term::Tuple(_))
}

/// Expands one appup script: short forms get their defaults, nested lists
/// are spliced in (unexpanded). The script is borrowed from its appup.
pub(crate) fn expand_script(script: &[Term]) -> Vec<Term> {
    let mut out = Vec::with_capacity(script.len());
    for i in script {
        if let Some(e) = expand(i) {
            out.push(e);
            continue;
        }
        match i.to_list() {
            Some(nested) => out.extend(nested),
            None => out.push(i.clone()),
        }
    }
    out
}

fn expand(i: &Term) -> Option<Term> {
    let bp = || atom("brutal_purge");
    let (first, args) = i.as_tuple()?.split_first()?;
    let t = |v: Vec<Term>| Some(Term::tuple(v));
    match (first.as_atom()?, args) {
        ("load_module", [m]) => t(vec![
            atom("load_module"),
            m.clone(),
            bp(),
            bp(),
            Term::nil(),
        ]),
        ("load_module", [m, mods]) if is_list(mods) => t(vec![
            atom("load_module"),
            m.clone(),
            bp(),
            bp(),
            mods.clone(),
        ]),
        ("update", [m]) => t(vec![
            atom("update"),
            m.clone(),
            atom("soft"),
            bp(),
            bp(),
            Term::nil(),
        ]),
        ("update", [m, c]) if c.as_atom() == Some("supervisor") => t(vec![
            atom("update"),
            m.clone(),
            atom("static"),
            atom("default"),
            Term::tuple(vec![atom("advanced"), Term::nil()]),
            bp(),
            bp(),
            Term::nil(),
        ]),
        ("update", [m, c]) if is_tuple(c) || c.as_atom() == Some("soft") => t(vec![
            atom("update"),
            m.clone(),
            c.clone(),
            bp(),
            bp(),
            Term::nil(),
        ]),
        ("update", [m, mods]) if is_list(mods) => t(vec![
            atom("update"),
            m.clone(),
            atom("soft"),
            bp(),
            bp(),
            mods.clone(),
        ]),
        ("update", [m, c, mods])
            if (is_tuple(c) || c.as_atom() == Some("soft")) && is_list(mods) =>
        {
            t(vec![
                atom("update"),
                m.clone(),
                c.clone(),
                bp(),
                bp(),
                mods.clone(),
            ])
        }
        ("add_application", [a]) => t(vec![atom("add_application"), a.clone(), atom("permanent")]),
        _ => None,
    }
}

type Check = Result<(), TranslateError>;

fn bad(field: &'static str, value: &Term) -> TranslateError {
    TranslateError::Syntax {
        field,
        value: value.clone(),
    }
}

fn check_mod(m: &Term) -> Check {
    m.as_atom().map(|_| ()).ok_or_else(|| bad("bad_module", m))
}

fn check_mods(l: &Term) -> Check {
    let items = elems(l).ok_or_else(|| bad("bad_list", l))?;
    items.iter().try_for_each(check_mod)
}

fn check_atom_in(t: &Term, allowed: &[&str], field: &'static str) -> Check {
    match t.as_atom() {
        Some(a) if allowed.contains(&a) => Ok(()),
        _ => Err(bad(field, t)),
    }
}

fn check_purge(p: &Term) -> Check {
    check_atom_in(p, &["soft_purge", "brutal_purge"], "bad_purge_method")
}

fn check_timeout(t: &Term) -> Check {
    let ok = matches!(t.as_atom(), Some("default" | "infinity"))
        || matches!(t, Term::Integer(i) if !i.is_negative() && i.to_i64() != Some(0));
    if ok {
        Ok(())
    } else {
        Err(bad("bad_timeout", t))
    }
}

fn check_change(c: &Term) -> Check {
    let ok = c.as_atom() == Some("soft")
        || matches!(c.as_tuple(), Some([a, _]) if a.as_atom() == Some("advanced"));
    if ok {
        Ok(())
    } else {
        Err(bad("bad_change", c))
    }
}

fn check_mfa(m: &Term, f: &Term, a: &Term) -> Check {
    check_mod(m)?;
    f.as_atom().ok_or_else(|| bad("bad_func", f))?;
    if is_list(a) {
        Ok(())
    } else {
        Err(bad("bad_args_list", a))
    }
}

fn check_code_change(l: &Term) -> Check {
    for x in elems(l).ok_or_else(|| bad("bad_list", l))?.iter() {
        match x.as_tuple() {
            Some([m, _]) => check_mod(m)?,
            _ => return Err(bad("bad_code_change", x)),
        }
    }
    Ok(())
}

/// `systools_rc:check_op/1`: the first failing field, in tuple order.
pub(crate) fn check_op(i: &Term) -> Check {
    if i.as_atom() == Some("mnesia_backup") {
        return Err(TranslateError::MnesiaBackup);
    }
    if let Some(a) = i.as_atom() {
        return match a {
            "restart"
            | "reboot"
            | "point_of_no_return"
            | "restart_new_emulator"
            | "restart_emulator" => Ok(()),
            _ => Err(bad("bad_instruction", i)),
        };
    }
    let Some(items) = i.as_tuple() else {
        return Err(bad("bad_instruction", i));
    };
    let Some((name, args)) = items.split_first() else {
        return Err(bad("bad_instruction", i));
    };
    let Some(name) = name.as_atom() else {
        return Err(bad("bad_instruction", i));
    };
    match (name, args) {
        ("update", [m, c, pre, post, mods]) => {
            check_mod(m)?;
            check_change(c)?;
            check_purge(pre)?;
            check_purge(post)?;
            check_mods(mods)
        }
        ("update", [m, to, c, pre, post, mods]) => {
            check_mod(m)?;
            check_timeout(to)?;
            check_change(c)?;
            check_purge(pre)?;
            check_purge(post)?;
            check_mods(mods)
        }
        ("update", [m, ty, to, c, pre, post, mods]) => {
            check_mod(m)?;
            check_atom_in(ty, &["static", "dynamic"], "bad_mod_type")?;
            check_timeout(to)?;
            check_change(c)?;
            check_purge(pre)?;
            check_purge(post)?;
            check_mods(mods)
        }
        ("load_module", [m, pre, post, mods]) => {
            check_mod(m)?;
            check_purge(pre)?;
            check_purge(post)?;
            check_mods(mods)
        }
        ("add_module" | "delete_module", [m]) => check_mod(m),
        ("add_module" | "delete_module", [m, mods]) => {
            check_mod(m)?;
            check_mods(mods)
        }
        ("remove_application" | "restart_application", [a]) => a
            .as_atom()
            .map(|_| ())
            .ok_or_else(|| bad("bad_application", a)),
        ("add_application", [a, ty]) => {
            a.as_atom().ok_or_else(|| bad("bad_application", a))?;
            check_atom_in(
                ty,
                &["none", "load", "temporary", "transient", "permanent"],
                "bad_start_type",
            )
        }
        ("load_object_code", [spec]) => match spec.as_tuple() {
            Some([lib, vsn, mods]) => {
                lib.as_atom().ok_or_else(|| bad("bad_lib", lib))?;
                if !is_list(vsn) {
                    return Err(bad("bad_lib_vsn", vsn));
                }
                check_mods(mods)
            }
            _ => Err(bad("bad_instruction", i)),
        },
        ("load" | "remove", [spec]) => match spec.as_tuple() {
            Some([m, pre, post]) => {
                check_mod(m)?;
                check_purge(pre)?;
                check_purge(post)
            }
            _ => Err(bad("bad_instruction", i)),
        },
        ("purge" | "resume" | "stop" | "start", [mods]) => check_mods(mods),
        ("suspend", [mods]) => {
            for x in elems(mods).ok_or_else(|| bad("bad_list", mods))?.iter() {
                match x.as_tuple() {
                    Some([m, t]) => {
                        check_mod(m)?;
                        check_timeout(t)?;
                    }
                    _ => check_mod(x)?,
                }
            }
            Ok(())
        }
        ("code_change", [mods]) => check_code_change(mods),
        ("code_change", [mode, mods]) => {
            // OTP checks the list shape, then the mode, then the elements
            if !is_list(mods) {
                return Err(bad("bad_list", mods));
            }
            check_atom_in(mode, &["up", "down"], "bad_mode")?;
            check_code_change(mods)
        }
        ("sync_nodes", [_id, spec]) => match spec.as_tuple() {
            Some([m, f, a]) => check_mfa(m, f, a),
            _ => {
                let nodes = elems(spec).ok_or_else(|| bad("bad_list", spec))?;
                nodes
                    .iter()
                    .try_for_each(|n| n.as_atom().map(|_| ()).ok_or_else(|| bad("bad_node", n)))
            }
        },
        ("apply", [spec]) => match spec.as_tuple() {
            Some([m, f, a]) => check_mfa(m, f, a),
            _ => Err(bad("bad_instruction", i)),
        },
        _ => Err(bad("bad_instruction", i)),
    }
}
