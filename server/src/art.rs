//! Generated product art: a deterministic SVG per product, so the demo shop
//! has a picture for every product without shipping 20,000 files.

/// An SVG picture for a product: a two-colour gradient with shapes placed by
/// the product id, and the title's initials.
pub fn product_svg(product_id: i64, title: &str) -> String {
    product_svg_in(product_id, title, None)
}

/// The background of a colour option: hue, saturation and lightness (%).
fn colour_hsl(colour: &str) -> (u64, u64, u64) {
    match colour.to_ascii_lowercase().as_str() {
        "black" => (220, 10, 18),
        "white" => (40, 20, 92),
        "grey" | "gray" => (210, 8, 55),
        "navy" => (225, 55, 28),
        "olive" => (70, 40, 35),
        "rust" => (18, 65, 42),
        "sand" => (38, 45, 72),
        "burgundy" => (345, 55, 30),
        "teal" => (180, 55, 32),
        "mustard" => (45, 75, 48),
        "red" => (0, 70, 45),
        "blue" => (215, 70, 45),
        "green" => (130, 45, 38),
        other => (other.bytes().fold(7_u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))) % 360, 50, 45),
    }
}

/// [`product_svg`] in the colour of a variant's `Colour` option (same shapes
/// and initials, so the variants read as one product).
pub fn product_svg_in(product_id: i64, title: &str, colour: Option<&str>) -> String {
    let mut state = (product_id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut hue = next() % 360;
    let hue2 = (hue + 40 + next() % 80) % 360;
    let (from, to) = match colour.map(colour_hsl) {
        Some((h, sat, light)) => {
            hue = h;
            (format!("hsl({h},{sat}%,{light}%)"), format!("hsl({h},{sat}%,{}%)", light.saturating_sub(12)))
        }
        None => (format!("hsl({hue},55%,55%)"), format!("hsl({hue2},60%,40%)")),
    };
    let mut shapes = String::new();
    for _ in 0..6 {
        let (x, y, r) = (next() % 640, next() % 480, 30 + next() % 120);
        let opacity = 10 + next() % 25;
        shapes.push_str(&format!(
            r#"<circle cx="{x}" cy="{y}" r="{r}" fill="hsl({},70%,92%)" fill-opacity="0.{opacity}"/>"#,
            (hue + next() % 60) % 360
        ));
    }
    let initials: String =
        title.split_whitespace().filter_map(|w| w.chars().next()).filter(|c| c.is_alphanumeric()).take(2).collect();
    let initials = escape(&initials.to_uppercase());
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 480" width="640" height="480" role="img"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{from}"/><stop offset="1" stop-color="{to}"/></linearGradient></defs><rect width="640" height="480" fill="url(#g)"/>{shapes}<text x="320" y="275" font-family="Georgia,serif" font-size="120" text-anchor="middle" fill="#fff" fill-opacity="0.9">{initials}</text></svg>"##
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_product_always_gets_the_same_picture() {
        assert_eq!(product_svg(7, "Blue Mug"), product_svg(7, "Blue Mug"));
        assert_ne!(product_svg(7, "Blue Mug"), product_svg(8, "Blue Mug"));
    }

    #[test]
    fn a_colour_changes_the_background_and_keeps_the_rest() {
        let plain = product_svg(7, "Blue Mug");
        let navy = product_svg_in(7, "Blue Mug", Some("Navy"));
        assert_ne!(plain, navy);
        assert!(navy.contains("hsl(225,55%,28%)"));
        assert!(navy.contains(">BM</text>"));
        assert_ne!(navy, product_svg_in(7, "Blue Mug", Some("Rust")));
    }

    #[test]
    fn pictures_carry_the_titles_initials_and_no_markup_from_it() {
        let svg = product_svg(1, "blue <script> mug");
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(">BM</text>"), "{svg}");
        assert!(!svg.contains("<script"));
    }
}
