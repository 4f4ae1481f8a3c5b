//! Colour arithmetic for downsampling: the xterm palette and nearest-colour search.
//!
//! Pure functions over `ratatui::style::Color`. RGB to 256 picks the nearest entry of the 6x6x6 cube
//! (indices 16-231) or the grayscale ramp (232-255), never 0-15, whose RGB values differ per terminal. Anything
//! to 16 uses xterm's default RGB values for the ANSI colours and is hue-first, because those 16 are either
//! gray or fully saturated: a coloured input (HSL saturation at least 0.25, not near black or white) keeps its
//! hue family and picks normal or bright by lightness, so `#87afff` becomes bright blue rather than the gray
//! a plain distance would pick; a grayish input picks black, dark gray, gray or white by lightness. For 256,
//! "nearest" is the CIE76 distance in CIELAB. Both run only at theme load time, so brute-force search is
//! fine. Named colours and `Reset` pass through unchanged.

use ratatui::style::Color;

/// The 16 ANSI colours in index order, as ratatui names them.
const ANSI: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// xterm's default RGB values for ANSI 0-15.
const ANSI_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// The six channel levels of the xterm colour cube.
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

type Rgb = (u8, u8, u8);

/// Maps a colour onto the xterm-256 palette: RGB becomes `Indexed`, everything else is kept.
pub fn to_ansi256(color: Color) -> Color {
    match color {
        Color::Rgb(r, g, b) => Color::Indexed(nearest_256((r, g, b))),
        other => other,
    }
}

/// Maps a colour onto the 16 named ANSI colours: RGB and `Indexed` become a name, names and `Reset` are kept.
pub fn to_ansi16(color: Color) -> Color {
    match color {
        Color::Rgb(r, g, b) => nearest_16((r, g, b)),
        Color::Indexed(i) => ANSI.get(usize::from(i)).copied().unwrap_or_else(|| nearest_16(indexed_rgb(i))),
        other => other,
    }
}

/// The RGB value xterm uses for a palette index (0-15 use xterm's defaults).
pub fn indexed_rgb(index: u8) -> Rgb {
    match index {
        0..=15 => ANSI_RGB[usize::from(index)],
        16..=231 => {
            let i = usize::from(index - 16);
            (CUBE[i / 36], CUBE[(i / 6) % 6], CUBE[i % 6])
        }
        232..=255 => {
            let level = 8 + 10 * (index - 232);
            (level, level, level)
        }
    }
}

fn nearest_256(rgb: Rgb) -> u8 {
    let target = lab(rgb);
    let mut best = (f64::INFINITY, 16);
    for index in 16..=255u8 {
        let d = distance(target, lab(indexed_rgb(index)));
        if d < best.0 {
            best = (d, index);
        }
    }
    best.1
}

fn nearest_16(rgb: Rgb) -> Color {
    let (hue, saturation, lightness) = hsl(rgb);
    let achromatic = saturation < 0.25 || !(0.1..=0.93).contains(&lightness);
    let mut best = (f64::INFINITY, Color::Reset);
    for (color, candidate) in ANSI.into_iter().zip(ANSI_RGB) {
        let (c_hue, c_saturation, c_lightness) = hsl(candidate);
        if achromatic != (c_saturation < 0.25) {
            continue;
        }
        let hue_steps = if achromatic { 0.0 } else { hue_difference(hue, c_hue) / 60.0 };
        let d = hue_steps.powi(2) + (2.0 * (lightness - c_lightness)).powi(2);
        if d < best.0 {
            best = (d, color);
        }
    }
    best.1
}

/// Hue (degrees), saturation and lightness (0-1) in the HSL model.
fn hsl((r, g, b): Rgb) -> (f64, f64, f64) {
    let (r, g, b) = (f64::from(r) / 255.0, f64::from(g) / 255.0, f64::from(b) / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let lightness = (max + min) / 2.0;
    let chroma = max - min;
    if chroma <= f64::EPSILON {
        return (0.0, 0.0, lightness);
    }
    let saturation = chroma / (1.0 - (2.0 * lightness - 1.0).abs());
    let hue = if max == r {
        60.0 * ((g - b) / chroma).rem_euclid(6.0)
    } else if max == g {
        60.0 * ((b - r) / chroma + 2.0)
    } else {
        60.0 * ((r - g) / chroma + 4.0)
    };
    (hue, saturation, lightness)
}

/// Angle between two hues in degrees, 0-180.
fn hue_difference(a: f64, b: f64) -> f64 {
    let d = (a - b).abs() % 360.0;
    d.min(360.0 - d)
}

/// Squared CIE76 distance between two CIELAB colours.
fn distance(a: [f64; 3], b: [f64; 3]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)
}

/// sRGB to CIELAB (D65 white point).
fn lab((r, g, b): Rgb) -> [f64; 3] {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let (r, g, b) = (linear(r), linear(g), linear(b));
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
    let (fx, fy, fz) = (f(x), f(y), f(z));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_round_trips_its_own_entries() {
        for index in 16..=255u8 {
            assert_eq!(nearest_256(indexed_rgb(index)), index, "index {index}");
        }
        for (i, rgb) in ANSI_RGB.iter().enumerate() {
            assert_eq!(nearest_16(*rgb), ANSI[i]);
        }
    }

    #[test]
    fn grays_pick_the_ramp_or_the_cube_whichever_is_nearer() {
        assert_eq!(nearest_256((12, 12, 12)), 232);
        assert_eq!(nearest_256((14, 14, 14)), 233);
        assert_eq!(nearest_256((250, 250, 250)), 231);
        assert_eq!(nearest_256((96, 96, 96)), 59);
    }
}
