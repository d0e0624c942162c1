//! Human-readable URL slugs: Cyrillic (Russian, Kazakh, Uzbek, Belarusian) transliterated to ASCII.
//!
//! The scheme is the usual "passport-like" one (ж → zh, х → kh, ц → ts, щ → shch, ю → yu,
//! я → ya). `ё` becomes `e`, so that "Щётка" and "Щетка" (how most people type it) share a slug.
//! Kazakh and Uzbek letters lose their marks (ә → a, ғ → g, қ → q, ң → ng, ө → o, ұ/ү → u,
//! һ/ҳ → h, і → i); Belarusian/Uzbek `ў` becomes `u`.

/// Longest slug `slugify` returns, in bytes (ASCII, so also characters).
const MAX_LEN: usize = 80;

/// Turns any text into a lower-case ASCII slug of `[a-z0-9-]`, at most 80 characters, cut at a
/// word boundary when possible; "ad" when nothing usable is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(2 * MAX_LEN));
    // A separator is written only before the next kept character: no doubles, no trailing one.
    let mut pending_dash = false;
    for ch in text.chars().flat_map(char::to_lowercase) {
        let latin = translit(ch);
        let piece = match latin {
            Some(s) => s,
            None if ch.is_ascii_alphanumeric() => {
                push_piece(&mut out, &mut pending_dash, ch);
                continue;
            }
            // Combining marks (a decomposed "й", say) belong to the letter before them.
            None if ('\u{300}'..='\u{36f}').contains(&ch) => continue,
            None => {
                pending_dash = true;
                continue;
            }
        };
        // Hard and soft signs (and other silent letters) vanish without splitting the word.
        for c in piece.chars() {
            push_piece(&mut out, &mut pending_dash, c);
        }
        if out.len() > 2 * MAX_LEN {
            break;
        }
    }
    truncate(&mut out);
    if out.is_empty() { "ad".to_owned() } else { out }
}

fn push_piece(out: &mut String, pending_dash: &mut bool, c: char) {
    if *pending_dash && !out.is_empty() {
        out.push('-');
    }
    *pending_dash = false;
    out.push(c);
}

/// Cuts `slug` to `MAX_LEN`, preferably at the last '-' that keeps it within the limit.
fn truncate(slug: &mut String) {
    if slug.len() <= MAX_LEN {
        return;
    }
    // Cutting right before a '-' keeps the whole word in front of it.
    let cut = match slug.as_bytes()[..=MAX_LEN].iter().rposition(|&b| b == b'-') {
        Some(i) if i > 0 => i,
        _ => MAX_LEN,
    };
    slug.truncate(cut);
    while slug.ends_with('-') {
        slug.pop();
    }
}

/// The Latin spelling of a lower-case Cyrillic letter; `None` for anything else.
fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' | 'ї' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' | 'ұ' | 'ү' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        // Kazakh, Uzbek and Ukrainian letters.
        'ә' => "a",
        'ғ' | 'ґ' => "g",
        'қ' => "q",
        'ң' => "ng",
        'ө' => "o",
        'һ' | 'ҳ' => "h",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_title_with_latin_model() {
        assert_eq!(slugify("Экскаватор Hitachi ZX200, 2015 г."), "ekskavator-hitachi-zx200-2015-g");
        assert_eq!(
            slugify("Аренда автокрана «Галичанин» КС-55713"),
            "arenda-avtokrana-galichanin-ks-55713"
        );
    }

    #[test]
    fn special_letters() {
        assert_eq!(slugify("Щётка"), "shchetka");
        assert_eq!(slugify("Подъёмник"), "podemnik");
        assert_eq!(slugify("Мои\u{306} кран"), "moi-kran");
        assert_eq!(slugify("ЖУК Цех Юг Яма"), "zhuk-tsekh-yug-yama");
        assert_eq!(
            slugify("Қазақстан Өскемен Ұлы Үй Һ Ғ Ң Ә І"),
            "qazaqstan-oskemen-uly-uy-h-g-ng-a-i"
        );
        assert_eq!(slugify("Ўзбекистон Ҳокимият Ғалла"), "uzbekiston-hokimiyat-galla");
    }

    #[test]
    fn separators_collapse_and_trim() {
        assert_eq!(slugify("  --Hello,   World!!--  "), "hello-world");
        assert_eq!(slugify("a_b.c/d"), "a-b-c-d");
        assert_eq!(slugify("ÄÖÜ café"), "caf");
    }

    #[test]
    fn empty_becomes_ad() {
        assert_eq!(slugify(""), "ad");
        assert_eq!(slugify("!!! ---"), "ad");
        assert_eq!(slugify("ъь"), "ad");
        assert_eq!(slugify("日本"), "ad");
    }

    #[test]
    fn long_text_is_cut_at_a_word_boundary() {
        let long = "Продаётся экскаватор гусеничный ".repeat(10);
        let s = slugify(&long);
        assert!(s.len() <= 80, "{s}");
        assert!(!s.ends_with('-'));
        assert!(long.len() > 80);
        // Every word kept is whole.
        for w in s.split('-') {
            assert!(["prodaetsya", "ekskavator", "gusenichnyy"].contains(&w), "{w}");
        }
        let one_word = "a".repeat(200);
        assert_eq!(slugify(&one_word).len(), 80);
    }

    #[test]
    fn output_is_always_url_safe() {
        for text in
            ["Ёлка-2025", "Б/у КАМАЗ 6520 (самосвал)", "МТЗ-82.1 «Беларус»", "ДСТ-Урал Б10М"]
        {
            let s = slugify(text);
            assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            assert!(!s.starts_with('-') && !s.ends_with('-') && !s.contains("--"), "{s}");
        }
    }
}
