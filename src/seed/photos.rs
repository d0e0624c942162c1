//! Demo photos: a small pool of JPEGs drawn procedurally (sky, ground, a machine silhouette), so
//! that seeded cards look like photos of machinery without shipping any image files.

use std::path::Path;

use image::ImageEncoder;
use image::codecs::jpeg::JpegEncoder;

mod machines;

/// Size of every demo photo.
pub const WIDTH: u32 = 640;
/// Size of every demo photo.
pub const HEIGHT: u32 = 480;
/// Photos drawn per equipment type.
pub const VARIANTS: usize = 4;
/// Photos drawn for service ads.
pub const SERVICE_PHOTOS: usize = 4;

/// Drawing is done at twice the size and averaged down: cheap anti-aliasing.
const SS: usize = 2;
const CW: usize = WIDTH as usize * SS;
const CH: usize = HEIGHT as usize * SS;

type Rgb = [u8; 3];

/// Which silhouette a photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Crawler excavator.
    Excavator,
    /// Backhoe loader.
    Backhoe,
    /// Skid-steer loader.
    SkidLoader,
    /// Wheel loader.
    WheelLoader,
    /// Crawler crane with a lattice jib.
    CrawlerCrane,
    /// Truck-mounted telescopic crane.
    TruckCrane,
    /// Bulldozer.
    Bulldozer,
    /// Dump truck.
    DumpTruck,
    /// Truck with a knuckle-boom crane.
    Manipulator,
    /// Truck-mounted aerial platform.
    AerialLift,
    /// Motor grader.
    Grader,
    /// Road roller.
    Roller,
    /// Farm tractor.
    Tractor,
    /// Truck-mounted concrete pump.
    ConcretePump,
    /// Concrete mixer truck.
    Mixer,
    /// Truck-mounted auger.
    Auger,
    /// Tractor unit with a low-bed trailer.
    LowBed,
}

impl Shape {
    /// Leftmost and rightmost x and the height, in machine units, to frame the shot.
    fn extent(self) -> (f32, f32, f32) {
        match self {
            Shape::Excavator => (-165.0, 305.0, 240.0),
            Shape::Backhoe => (-292.0, 255.0, 225.0),
            Shape::SkidLoader => (-95.0, 175.0, 205.0),
            Shape::WheelLoader => (-210.0, 265.0, 265.0),
            Shape::CrawlerCrane => (-170.0, 290.0, 590.0),
            Shape::TruckCrane => (-240.0, 380.0, 300.0),
            Shape::Bulldozer => (-205.0, 190.0, 250.0),
            Shape::DumpTruck | Shape::Manipulator => (-240.0, 219.0, 250.0),
            Shape::AerialLift => (-220.0, 219.0, 420.0),
            Shape::Grader => (-225.0, 280.0, 215.0),
            Shape::Roller => (-195.0, 200.0, 252.0),
            Shape::Tractor => (-166.0, 205.0, 270.0),
            Shape::ConcretePump => (-250.0, 430.0, 420.0),
            Shape::Mixer => (-250.0, 219.0, 230.0),
            Shape::Auger => (-230.0, 219.0, 430.0),
            Shape::LowBed => (-330.0, 304.0, 180.0),
        }
    }

    /// A pen that frames the machine: about `share` of the width, whole height above `ground`.
    fn frame(self, ground: f32, share: f32, flip: bool) -> Pen {
        let (x0, x1, h) = self.extent();
        let s = (CW as f32 * share / (x1 - x0)).min((ground - 30.0) / h);
        let centre = (x0 + x1) / 2.0 * s;
        let ox = CW as f32 / 2.0 - if flip { -centre } else { centre };
        Pen { ox, oy: ground, s, flip }
    }

    /// Typical paint colours, one picked per variant.
    fn colours(self) -> &'static [Rgb] {
        match self {
            Shape::Excavator | Shape::Bulldozer | Shape::Backhoe => {
                &[[238, 178, 24], [232, 118, 32], [250, 204, 46], [196, 44, 36]]
            }
            Shape::WheelLoader | Shape::SkidLoader | Shape::Grader | Shape::Roller => {
                &[[242, 190, 40], [230, 126, 34], [250, 210, 60], [60, 120, 60]]
            }
            Shape::CrawlerCrane | Shape::TruckCrane | Shape::Auger => {
                &[[244, 196, 36], [212, 52, 40], [238, 238, 232], [240, 140, 30]]
            }
            Shape::DumpTruck | Shape::Manipulator | Shape::Mixer | Shape::LowBed => {
                &[[220, 90, 30], [40, 90, 170], [235, 235, 230], [70, 120, 70]]
            }
            Shape::AerialLift | Shape::ConcretePump => {
                &[[240, 240, 236], [238, 150, 30], [210, 40, 40], [250, 200, 40]]
            }
            Shape::Tractor => &[[200, 40, 36], [46, 120, 60], [40, 80, 160], [230, 120, 30]],
        }
    }
}

/// A photo to draw: where it goes and what it shows.
pub enum Subject {
    /// A machine of this shape, variant 0..VARIANTS.
    Machine(Shape, usize),
    /// A spare part, 0..PART_PHOTOS.
    Part(usize),
    /// A machine in a workshop, 0..SERVICE_PHOTOS.
    Workshop(usize),
}

/// Draws every `(relative path, subject)` not yet on disk under `uploads_dir`.
pub fn generate(uploads_dir: &Path, jobs: &[(String, Subject)]) -> std::io::Result<()> {
    std::fs::create_dir_all(uploads_dir.join("demo"))?;
    let todo: Vec<&(String, Subject)> =
        jobs.iter().filter(|(path, _)| !uploads_dir.join(path).exists()).collect();
    // Two halves on two threads: the pool takes well under a second either way.
    let (a, b) = todo.split_at(todo.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| draw_all(uploads_dir, b));
        let mine = draw_all(uploads_dir, a);
        let theirs = other.join().unwrap_or_else(|_| Err(std::io::Error::other("photo thread")));
        mine.and(theirs)
    })
}

fn draw_all(dir: &Path, jobs: &[&(String, Subject)]) -> std::io::Result<()> {
    let mut canvas = Canvas::new();
    for (path, subject) in jobs {
        canvas.draw(subject);
        let jpeg = canvas.encode()?;
        // Write then rename: a concurrent seeder never sees half a file.
        let target = dir.join(path);
        let tmp = target.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, jpeg)?;
        std::fs::rename(&tmp, &target)?;
    }
    Ok(())
}

struct Canvas {
    px: Vec<Rgb>,
    rng: fastrand::Rng,
}

/// Maps machine coordinates (x forward, y up from the ground, in "units") to canvas pixels.
#[derive(Clone, Copy)]
struct Pen {
    ox: f32,
    oy: f32,
    s: f32,
    flip: bool,
}

impl Pen {
    fn at(self, x: f32, y: f32) -> (f32, f32) {
        let x = if self.flip { -x } else { x };
        (self.ox + x * self.s, self.oy - y * self.s)
    }
    /// A smaller pen whose origin is (x, y) of this one: for a machine carried on a trailer.
    fn inner(self, x: f32, y: f32, scale: f32) -> Pen {
        let (ox, oy) = self.at(x, y);
        Pen { ox, oy, s: self.s * scale, flip: self.flip }
    }
}

fn shade(c: Rgb, f: f32) -> Rgb {
    c.map(|v| (f32::from(v) * f).clamp(0.0, 255.0) as u8)
}

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    [0, 1, 2].map(|i| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8)
}

const TYRE: Rgb = [32, 32, 34];
const STEEL: Rgb = [120, 122, 126];
const DARK: Rgb = [55, 56, 60];
const GLASS: Rgb = [150, 188, 212];
const CHASSIS: Rgb = [42, 42, 46];

impl Canvas {
    fn new() -> Self {
        Self { px: vec![[0, 0, 0]; CW * CH], rng: fastrand::Rng::with_seed(0) }
    }

    // ---- primitives, in canvas pixels ----

    fn span(&mut self, y: usize, x0: f32, x1: f32, c: Rgb, alpha: f32) {
        let a = x0.max(0.0).round() as usize;
        let b = (x1.min(CW as f32)).round() as usize;
        if a >= b {
            return;
        }
        let row = &mut self.px[y * CW + a..y * CW + b];
        if alpha >= 1.0 {
            row.fill(c);
        } else {
            for p in row {
                *p = mix(*p, c, alpha);
            }
        }
    }

    fn poly_px(&mut self, pts: &[(f32, f32)], c: Rgb, alpha: f32) {
        let ymin = pts.iter().map(|p| p.1).fold(f32::MAX, f32::min).max(0.0) as usize;
        let ymax = pts.iter().map(|p| p.1).fold(f32::MIN, f32::max).min(CH as f32 - 1.0);
        if ymax < 0.0 {
            return;
        }
        let mut xs: Vec<f32> = Vec::with_capacity(8);
        for y in ymin..=ymax as usize {
            let fy = y as f32 + 0.5;
            xs.clear();
            for i in 0..pts.len() {
                let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
                if (a.1 <= fy) != (b.1 <= fy) {
                    xs.push(a.0 + (fy - a.1) / (b.1 - a.1) * (b.0 - a.0));
                }
            }
            xs.sort_by(f32::total_cmp);
            for pair in xs.chunks_exact(2) {
                self.span(y, pair[0], pair[1], c, alpha);
            }
        }
    }

    fn ellipse_px(&mut self, cx: f32, cy: f32, rx: f32, ry: f32, c: Rgb, alpha: f32) {
        let y0 = (cy - ry).max(0.0) as usize;
        let y1 = (cy + ry).min(CH as f32 - 1.0);
        if y1 < 0.0 {
            return;
        }
        for y in y0..=y1 as usize {
            let dy = (y as f32 + 0.5 - cy) / ry;
            if dy.abs() <= 1.0 {
                let half = rx * (1.0 - dy * dy).sqrt();
                self.span(y, cx - half, cx + half, c, alpha);
            }
        }
    }

    // ---- primitives, in machine units through a pen ----

    fn poly(&mut self, p: Pen, pts: &[(f32, f32)], c: Rgb) {
        let v: Vec<(f32, f32)> = pts.iter().map(|&(x, y)| p.at(x, y)).collect();
        self.poly_px(&v, c, 1.0);
    }

    fn rect(&mut self, p: Pen, x0: f32, y0: f32, x1: f32, y1: f32, c: Rgb) {
        self.poly(p, &[(x0, y0), (x1, y0), (x1, y1), (x0, y1)], c);
    }

    fn circle(&mut self, p: Pen, x: f32, y: f32, r: f32, c: Rgb) {
        let (cx, cy) = p.at(x, y);
        self.ellipse_px(cx, cy, r * p.s, r * p.s, c, 1.0);
    }

    fn line(&mut self, p: Pen, a: (f32, f32), b: (f32, f32), w: f32, c: Rgb) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt().max(0.001);
        let (nx, ny) = (-dy / len * w / 2.0, dx / len * w / 2.0);
        self.poly(
            p,
            &[
                (a.0 + nx, a.1 + ny),
                (b.0 + nx, b.1 + ny),
                (b.0 - nx, b.1 - ny),
                (a.0 - nx, a.1 - ny),
            ],
            c,
        );
        self.circle(p, a.0, a.1, w / 2.0, c);
        self.circle(p, b.0, b.1, w / 2.0, c);
    }

    // ---- scenes ----

    fn draw(&mut self, subject: &Subject) {
        let seed = match subject {
            Subject::Machine(s, v) => (*s as u64) * 16 + *v as u64,
            Subject::Part(i) => 1_000 + *i as u64,
            Subject::Workshop(i) => 2_000 + *i as u64,
        };
        self.rng = fastrand::Rng::with_seed(seed);
        match *subject {
            Subject::Machine(shape, v) => {
                let horizon = self.outdoor(v);
                let colours = shape.colours();
                let c = colours[v % colours.len()];
                let ground = (horizon + 230.0 + self.rng.f32() * 150.0).min(CH as f32 - 60.0);
                let p = shape.frame(ground, 0.7 + self.rng.f32() * 0.12, v % 2 == 1);
                let (x0, x1, _) = shape.extent();
                let (cx, _) = p.at((x0 + x1) / 2.0, 0.0);
                self.ellipse_px(cx, ground, (x1 - x0) * 0.55 * p.s, 16.0 * p.s, [20, 20, 20], 0.35);
                self.machine(p, shape, c, v);
            }
            Subject::Part(i) => self.part(i),
            Subject::Workshop(i) => {
                let floor = self.indoor();
                let shapes =
                    [Shape::Excavator, Shape::WheelLoader, Shape::DumpTruck, Shape::Tractor];
                let shape = shapes[i % shapes.len()];
                let p = shape.frame(floor + 200.0, 0.6, i % 2 == 1);
                self.ellipse_px(CW as f32 / 2.0, p.oy, 380.0, 20.0, [10, 10, 10], 0.4);
                self.machine(p, shape, shape.colours()[i % 4], 1);
            }
        }
    }

    /// Sky, hills and ground; returns the horizon row.
    fn outdoor(&mut self, v: usize) -> f32 {
        const SKIES: [(Rgb, Rgb); 4] = [
            ([70, 130, 205], [190, 220, 242]),
            ([140, 150, 162], [212, 214, 216]),
            ([80, 100, 170], [246, 196, 150]),
            ([50, 120, 200], [170, 210, 238]),
        ];
        const GROUNDS: [Rgb; 4] = [[150, 118, 84], [112, 132, 74], [188, 162, 118], [96, 96, 100]];
        let (top, bottom) = SKIES[(v + self.rng.usize(0..2)) % SKIES.len()];
        let horizon = CH as f32 * (0.5 + self.rng.f32() * 0.1);
        let h = horizon as usize;
        for y in 0..h {
            let c = mix(top, bottom, y as f32 / horizon);
            self.px[y * CW..(y + 1) * CW].fill(c);
        }
        for _ in 0..self.rng.usize(2..6) {
            let (x, y) = (self.rng.f32() * CW as f32, self.rng.f32() * horizon * 0.6);
            for k in 0..5 {
                let (dx, dy) = (k as f32 * 60.0 - 120.0, (k % 2) as f32 * 25.0);
                let r = 60.0 + self.rng.f32() * 40.0;
                self.ellipse_px(x + dx, y + dy, r * 1.3, r * 0.7, [250, 250, 250], 0.55);
            }
        }
        // Distant hills as a sum of two sines, then the ground with a gradient toward the camera.
        let (f1, f2, ph) =
            (self.rng.f32() * 0.006 + 0.002, self.rng.f32() * 0.02, self.rng.f32() * 6.0);
        let hill = mix([110, 128, 120], top, 0.3);
        for x in 0..CW {
            let xf = x as f32;
            let top_y = horizon - 60.0 - 50.0 * (xf * f1 + ph).sin() - 15.0 * (xf * f2).sin();
            for y in top_y.max(0.0) as usize..h {
                self.px[y * CW + x] = hill;
            }
        }
        let g = GROUNDS[(v * 3 + self.rng.usize(0..4)) % GROUNDS.len()];
        for y in h..CH {
            let t = (y - h) as f32 / (CH - h) as f32;
            self.px[y * CW..(y + 1) * CW].fill(shade(g, 0.85 + 0.3 * t));
        }
        horizon
    }

    /// A workshop wall and floor; returns the floor row.
    fn indoor(&mut self) -> f32 {
        let floor = CH as f32 * 0.55;
        let f = floor as usize;
        let wall = [[170, 172, 168], [150, 160, 170], [190, 180, 160]][self.rng.usize(0..3)];
        for y in 0..CH {
            let c = if y < f {
                shade(wall, 0.8 + 0.2 * y as f32 / floor)
            } else {
                shade([120, 120, 118], 0.8 + 0.3 * (y - f) as f32 / (CH - f) as f32)
            };
            self.px[y * CW..(y + 1) * CW].fill(c);
        }
        // A gate and a band of windows make it read as a garage.
        let gx = self.rng.f32() * 400.0 + 100.0;
        self.poly_px(
            &[(gx, 150.0), (gx + 700.0, 150.0), (gx + 700.0, floor), (gx, floor)],
            [90, 92, 96],
            1.0,
        );
        for i in 0..8 {
            let x = gx + 20.0 + i as f32 * 85.0;
            self.poly_px(
                &[(x, 170.0), (x + 70.0, 170.0), (x + 70.0, 240.0), (x, 240.0)],
                GLASS,
                1.0,
            );
        }
        floor
    }

    /// Averages 2×2 blocks, adds grain and a slight vignette, and encodes a JPEG.
    fn encode(&mut self) -> std::io::Result<Vec<u8>> {
        let (w, h) = (WIDTH as usize, HEIGHT as usize);
        let mut out = vec![0u8; w * h * 3];
        let mut noise: u32 = 0x9e37_79b9;
        for y in 0..h {
            for x in 0..w {
                let (sx, sy) = (x * SS, y * SS);
                let (dx, dy) = (x as f32 / w as f32 - 0.5, y as f32 / h as f32 - 0.5);
                let vignette = 1.0 - 0.35 * (dx * dx + dy * dy);
                noise ^= noise << 13;
                noise ^= noise >> 17;
                noise ^= noise << 5;
                let grain = (noise % 9) as f32 - 4.0;
                for ch in 0..3 {
                    let sum = u32::from(self.px[sy * CW + sx][ch])
                        + u32::from(self.px[sy * CW + sx + 1][ch])
                        + u32::from(self.px[(sy + 1) * CW + sx][ch])
                        + u32::from(self.px[(sy + 1) * CW + sx + 1][ch]);
                    let v = sum as f32 / 4.0 * vignette + grain;
                    out[(y * w + x) * 3 + ch] = v.clamp(0.0, 255.0) as u8;
                }
            }
        }
        let mut jpeg = Vec::with_capacity(60_000);
        JpegEncoder::new_with_quality(&mut jpeg, 80)
            .write_image(&out, WIDTH, HEIGHT, image::ExtendedColorType::Rgb8)
            .map_err(std::io::Error::other)?;
        Ok(jpeg)
    }
}

fn rotate(q: (f32, f32), pivot: (f32, f32), angle: f32) -> (f32, f32) {
    let (s, c) = angle.sin_cos();
    let (x, y) = (q.0 - pivot.0, q.1 - pivot.1);
    (pivot.0 + x * c - y * s, pivot.1 + x * s + y * c)
}

fn lerp2(a: (f32, f32), b: (f32, f32), t: f32) -> (f32, f32) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}
