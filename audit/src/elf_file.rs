//! What the audit reads from one ELF file: the facts behind the hardening
//! verdicts and the shared libraries it needs.
//!
//! The facts are the ones Debian's `hardening-check` reads through
//! `readelf -lW`, `readelf -dW`, `readelf -sW` and `readelf -n`, read here
//! with the `object` crate. Every table is a bounds-checked view into the
//! file's bytes; nothing is allocated per symbol except the few names the
//! checks look for.

use std::collections::BTreeSet;

use object::elf;
use object::read::elf::{
    Dyn, FileHeader, NoteIterator, ProgramHeader, SectionHeader, SectionTable, Sym,
};
use object::read::StringTable;
use object::{Endianness, FileKind};

use crate::error::ElfError;
use crate::hardening::FORTIFIABLE_FUNCTIONS;

/// The four bytes every ELF file starts with.
pub const ELF_MAGIC: [u8; 4] = [0x7f, b'E', b'L', b'F'];

/// At most this many `DT_NEEDED` or version-needed entries are kept per file.
const MAX_LIBRARY_ENTRIES: usize = 4096;

/// The ELF file type as `readelf -lW` names it on its "Elf file type is" line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElfType {
    /// `ET_EXEC`: a position-dependent executable.
    Exec,
    /// `ET_DYN`: a shared object or a position-independent executable.
    Dyn,
    /// Any other type (relocatable object, core file), or a file without
    /// program headers, for which `readelf -lW` prints no type at all.
    Other,
}

/// A shared library the file needs, with the symbol versions it requires
/// from it (from `DT_NEEDED` and the `SHT_GNU_verneed` section).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LibraryNeed {
    /// The library's soname, e.g. `libc.so.6`.
    pub library: String,
    /// Whether the library is listed in `DT_NEEDED` (a version-needed entry
    /// for a library that is not is still reported).
    pub needed: bool,
    /// The version names required from it, e.g. `GLIBC_2.34`, in file order.
    pub versions: Vec<String>,
}

/// The facts read from one ELF file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFacts {
    /// The file type.
    pub elf_type: ElfType,
    /// Whether there is a `PT_PHDR` program header (what tells a PIE from a
    /// shared library for `hardening-check`).
    pub has_phdr: bool,
    /// Whether there is a `PT_GNU_RELRO` program header.
    pub has_relro: bool,
    /// The flags of the `PT_GNU_STACK` program header, if there is one.
    pub gnu_stack_flags: Option<u32>,
    /// `DT_BIND_NOW`, `DF_BIND_NOW` in `DT_FLAGS` or `DF_1_NOW` in `DT_FLAGS_1`.
    pub bind_now: bool,
    /// Whether any symbol table has any entry (including the null symbol).
    pub has_undefined_functions: bool,
    /// The names (before any `@version`) of the undefined `FUNC`, `IFUNC`
    /// and `NOTYPE` symbols that the checks look for.
    pub undefined_functions: BTreeSet<String>,
    /// The first GNU property note's first property is the x86 feature
    /// bitmask with both IBT and SHSTK set.
    pub cf_protection: bool,
    /// The shared libraries needed, in `DT_NEEDED` order, then any library
    /// only named by version-needed entries.
    pub libraries: Vec<LibraryNeed>,
}

/// Reads the facts from the bytes of an ELF file.
pub fn read_elf(data: &[u8]) -> Result<ElfFacts, ElfError> {
    match FileKind::parse(data)? {
        FileKind::Elf32 => read_with::<elf::FileHeader32<Endianness>>(data),
        FileKind::Elf64 => read_with::<elf::FileHeader64<Endianness>>(data),
        other => Err(ElfError(format!("not an ELF file ({other:?})"))),
    }
}

fn read_with<H: FileHeader<Endian = Endianness>>(data: &[u8]) -> Result<ElfFacts, ElfError> {
    let header = H::parse(data)?;
    let endian = header.endian()?;
    let program_headers = header.program_headers(endian, data)?;
    let sections = header.sections(endian, data)?;

    // readelf -lW prints no "Elf file type is" line without program headers.
    let elf_type = if program_headers.is_empty() {
        ElfType::Other
    } else {
        match header.e_type(endian) {
            elf::ET_EXEC => ElfType::Exec,
            elf::ET_DYN => ElfType::Dyn,
            _ => ElfType::Other,
        }
    };
    let mut facts = ElfFacts {
        elf_type,
        has_phdr: false,
        has_relro: false,
        gnu_stack_flags: None,
        bind_now: false,
        has_undefined_functions: false,
        undefined_functions: BTreeSet::new(),
        cf_protection: false,
        libraries: Vec::new(),
    };
    for ph in program_headers {
        match ph.p_type(endian) {
            elf::PT_PHDR => facts.has_phdr = true,
            elf::PT_GNU_RELRO => facts.has_relro = true,
            elf::PT_GNU_STACK if facts.gnu_stack_flags.is_none() => {
                facts.gnu_stack_flags = Some(ph.p_flags(endian));
            }
            _ => {}
        }
    }
    read_dynamic(header, endian, data, program_headers, &sections, &mut facts)?;
    read_symbols(endian, data, &sections, &mut facts)?;
    facts.cf_protection = read_cf_protection(header, endian, data, program_headers, &sections)?;
    read_version_needs(endian, data, &sections, &mut facts)?;
    Ok(facts)
}

/// The dynamic table: from the `SHT_DYNAMIC` section as readelf prefers,
/// else from the `PT_DYNAMIC` segment (then library names cannot be read,
/// as their string table is only known by address).
fn read_dynamic<H: FileHeader<Endian = Endianness>>(
    _header: &H,
    endian: Endianness,
    data: &[u8],
    program_headers: &[H::ProgramHeader],
    sections: &SectionTable<'_, H>,
    facts: &mut ElfFacts,
) -> Result<(), ElfError> {
    let (entries, strings): (&[H::Dyn], StringTable<'_>) = match sections.dynamic(endian, data)? {
        Some((entries, link)) => (entries, sections.strings(endian, data, link)?),
        None => {
            let mut found: &[H::Dyn] = &[];
            for ph in program_headers {
                if let Some(entries) = ph.dynamic(endian, data)? {
                    found = entries;
                    break;
                }
            }
            (found, StringTable::default())
        }
    };
    for entry in entries {
        let tag: i64 = entry.d_tag(endian).into();
        let value = entry.d_val(endian).into();
        match tag {
            elf::DT_NULL => break,
            elf::DT_BIND_NOW => facts.bind_now = true,
            elf::DT_FLAGS if value & u64::from(elf::DF_BIND_NOW) != 0 => facts.bind_now = true,
            elf::DT_FLAGS_1 if value & u64::from(elf::DF_1_NOW) != 0 => facts.bind_now = true,
            elf::DT_NEEDED => {
                let Ok(offset) = u32::try_from(value) else {
                    continue;
                };
                let Ok(name) = strings.get(offset) else {
                    continue;
                };
                if facts.libraries.len() >= MAX_LIBRARY_ENTRIES {
                    return Err(ElfError(format!(
                        "more than {MAX_LIBRARY_ENTRIES} needed libraries"
                    )));
                }
                facts.libraries.push(LibraryNeed {
                    library: String::from_utf8_lossy(name).into_owned(),
                    needed: true,
                    versions: Vec::new(),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// The undefined function symbols of every `SHT_SYMTAB` and `SHT_DYNSYM`
/// section, as `hardening-check` collects them from `readelf -sW`.
fn read_symbols<H: FileHeader<Endian = Endianness>>(
    endian: Endianness,
    data: &[u8],
    sections: &SectionTable<'_, H>,
    facts: &mut ElfFacts,
) -> Result<(), ElfError> {
    for (index, section) in sections.enumerate() {
        let sh_type = section.sh_type(endian);
        if sh_type != elf::SHT_SYMTAB && sh_type != elf::SHT_DYNSYM {
            continue;
        }
        let table = sections.symbol_table_by_index(endian, data, index)?;
        for symbol in table.iter() {
            let st_type = symbol.st_type();
            if !matches!(
                st_type,
                elf::STT_NOTYPE | elf::STT_FUNC | elf::STT_GNU_IFUNC
            ) {
                continue;
            }
            if symbol.st_shndx(endian) != elf::SHN_UNDEF {
                continue;
            }
            facts.has_undefined_functions = true;
            let Ok(name) = table.symbol_name(endian, symbol) else {
                continue;
            };
            let name = name.split(|&b| b == b'@').next().unwrap_or(name);
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            if is_interesting_function(name) && !facts.undefined_functions.contains(name) {
                facts.undefined_functions.insert(name.to_owned());
            }
        }
    }
    Ok(())
}

/// Whether a function name matters to the stack protector or fortify checks.
fn is_interesting_function(name: &str) -> bool {
    if name == "__stack_chk_fail" || name == "__stack_chk_fail_local" {
        return true;
    }
    let base = name
        .strip_prefix("__")
        .and_then(|n| n.strip_suffix("_chk"))
        .unwrap_or(name);
    FORTIFIABLE_FUNCTIONS.contains(&base)
}

/// Whether the first property of a GNU property note is the x86 feature
/// bitmask with IBT and SHSTK, which is what `readelf -n` prints as
/// "Properties: x86 feature: IBT, SHSTK". Notes come from the `SHT_NOTE`
/// sections, or from the `PT_NOTE` segments of a file without sections,
/// as readelf reads them.
fn read_cf_protection<H: FileHeader<Endian = Endianness>>(
    header: &H,
    endian: Endianness,
    data: &[u8],
    program_headers: &[H::ProgramHeader],
    sections: &SectionTable<'_, H>,
) -> Result<bool, ElfError> {
    let machine = header.e_machine(endian);
    if !matches!(machine, elf::EM_X86_64 | elf::EM_386 | elf::EM_IAMCU) {
        return Ok(false);
    }
    let mut iterators: Vec<NoteIterator<'_, H>> = Vec::new();
    if sections.is_empty() {
        for ph in program_headers {
            if let Some(notes) = ph.notes(endian, data)? {
                iterators.push(notes);
            }
        }
    } else {
        for section in sections.iter() {
            if let Some(notes) = section.notes(endian, data)? {
                iterators.push(notes);
            }
        }
    }
    for mut notes in iterators {
        while let Some(note) = notes.next()? {
            let Some(mut properties) = note.gnu_properties(endian) else {
                continue;
            };
            let Some(first) = properties.next()? else {
                continue;
            };
            if first.pr_type() == elf::GNU_PROPERTY_X86_FEATURE_1_AND && first.pr_data().len() == 4
            {
                let bits = first.data_u32(endian)?;
                let wanted =
                    elf::GNU_PROPERTY_X86_FEATURE_1_IBT | elf::GNU_PROPERTY_X86_FEATURE_1_SHSTK;
                if bits & wanted == wanted {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The `SHT_GNU_verneed` entries, merged into the needed libraries.
fn read_version_needs<H: FileHeader<Endian = Endianness>>(
    endian: Endianness,
    data: &[u8],
    sections: &SectionTable<'_, H>,
    facts: &mut ElfFacts,
) -> Result<(), ElfError> {
    let Some((mut needs, link)) = sections.gnu_verneed(endian, data)? else {
        return Ok(());
    };
    let strings = sections.strings(endian, data, link)?;
    let mut entries = 0usize;
    while let Some((need, mut aux)) = needs.next()? {
        entries += 1;
        if entries > MAX_LIBRARY_ENTRIES {
            return Err(ElfError(format!(
                "more than {MAX_LIBRARY_ENTRIES} version-needed entries"
            )));
        }
        let file = String::from_utf8_lossy(need.file(endian, strings)?).into_owned();
        let position = match facts.libraries.iter().position(|l| l.library == file) {
            Some(p) => p,
            None => {
                facts.libraries.push(LibraryNeed {
                    library: file,
                    needed: false,
                    versions: Vec::new(),
                });
                facts.libraries.len() - 1
            }
        };
        while let Some(version) = aux.next()? {
            entries += 1;
            if entries > MAX_LIBRARY_ENTRIES {
                return Err(ElfError(format!(
                    "more than {MAX_LIBRARY_ENTRIES} version-needed entries"
                )));
            }
            let name = String::from_utf8_lossy(version.name(endian, strings)?).into_owned();
            if let Some(library) = facts.libraries.get_mut(position) {
                library.versions.push(name);
            }
        }
    }
    Ok(())
}

/// Whether the bytes start like an ELF file.
pub fn is_elf(data: &[u8]) -> bool {
    data.starts_with(&ELF_MAGIC)
}
