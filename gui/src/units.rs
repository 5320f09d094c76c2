//! Sizes, speeds and durations in words people read at a glance.

use std::time::Duration;

/// `1536` → `1.5 KiB`.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `90 s` → `1 min 30 s`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => "less than a second".into(),
        1..60 => format!("{secs} s"),
        60..3600 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, (secs % 3600) / 60),
    }
}

/// The time left, in words: `about 1 min 30 s left`, `less than a second left`.
pub fn time_left(d: Duration) -> String {
    if d.as_secs() == 0 {
        "less than a second left".into()
    } else {
        format!("about {} left", duration(d))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(4 << 20), "4.0 MiB");
        assert_eq!(size(300 << 20), "300 MiB");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_millis(300)), "less than a second");
        assert_eq!(duration(Duration::from_secs(90)), "1 min 30 s");
        assert_eq!(duration(Duration::from_secs(3700)), "1 h 1 min");
        assert_eq!(
            time_left(Duration::from_millis(300)),
            "less than a second left"
        );
        assert_eq!(time_left(Duration::from_secs(90)), "about 1 min 30 s left");
    }
}
