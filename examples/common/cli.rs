//! Hand-rolled command-line helpers shared by the examples (included with
//! `#[path]`; not an example itself).

/// The value after `flag`, or a one-line reason.
pub fn value(flag: &str, v: Option<String>) -> Result<String, String> {
    v.ok_or_else(|| format!("{flag} needs a value"))
}

/// The value after `flag` parsed as `N`, or a one-line reason naming `what`
/// was expected.
pub fn number<N: std::str::FromStr>(
    flag: &str,
    v: Option<String>,
    what: &str,
) -> Result<N, String> {
    let v = value(flag, v)?;
    v.parse()
        .map_err(|_| format!("{flag} {v:?}: expected {what}"))
}
