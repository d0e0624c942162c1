//! The machines and parts drawn on a demo photo, with their pieces: wheels, tracks, cabs, booms.

use super::*;

impl Canvas {
    fn wheel(&mut self, p: Pen, x: f32, r: f32) {
        self.circle(p, x, r, r, TYRE);
        self.circle(p, x, r, r * 0.58, STEEL);
        self.circle(p, x, r, r * 0.22, DARK);
    }

    fn tracks(&mut self, p: Pen, x0: f32, x1: f32, h: f32) {
        let r = h / 2.0;
        self.line(p, (x0 + r, r), (x1 - r, r), h, TYRE);
        let n = ((x1 - x0) / (h * 0.9)) as usize;
        for i in 0..n.max(2) {
            let x = x0 + r + (x1 - x0 - h) * i as f32 / (n.max(2) - 1) as f32;
            self.circle(p, x, r, r * 0.55, DARK);
        }
    }

    /// A cab with a window; `front` slants the front edge.
    fn cab(&mut self, p: Pen, (x0, y0, x1, y1): (f32, f32, f32, f32), c: Rgb, front: f32) {
        self.poly(p, &[(x0, y0), (x1, y0), (x1 - front, y1), (x0, y1)], c);
        let m = (x1 - x0) * 0.12;
        let wy0 = y0 + (y1 - y0) * 0.45;
        self.poly(
            p,
            &[(x0 + m, wy0), (x1 - m, wy0), (x1 - m - front * 0.9, y1 - m), (x0 + m, y1 - m)],
            GLASS,
        );
        // A reflection across the glass reads as "window" even at thumbnail size.
        self.poly(
            p,
            &[(x0 + m * 2.0, wy0), (x0 + m * 3.5, wy0), (x0 + m * 2.5, y1 - m), (x0 + m, y1 - m)],
            shade(GLASS, 1.2),
        );
    }

    /// A truck: chassis, cab at the front (+x), wheels at `axles`; returns the deck height.
    fn truck(&mut self, p: Pen, rear: f32, front: f32, axles: &[f32], cab: Rgb) -> f32 {
        let r = 42.0;
        self.rect(p, rear, r * 0.8, front - 10.0, r * 1.45, CHASSIS);
        self.cab(p, (front - 95.0, r * 0.8, front, 175.0), cab, 18.0);
        self.rect(p, front - 12.0, r * 0.7, front + 4.0, r * 1.3, DARK);
        for &x in axles {
            self.wheel(p, x, r);
        }
        r * 1.45
    }

    // ---- machines ----

    pub(super) fn machine(&mut self, p: Pen, shape: Shape, c: Rgb, v: usize) {
        let dark = shade(c, 0.7);
        let vf = v as f32;
        match shape {
            Shape::Excavator => {
                self.tracks(p, -150.0, 150.0, 46.0);
                self.rect(p, -110.0, 44.0, 120.0, 58.0, DARK);
                self.rect(p, -165.0, 56.0, -95.0, 122.0, dark);
                self.rect(p, -140.0, 56.0, 90.0, 130.0, c);
                self.cab(p, (25.0, 56.0, 95.0, 180.0), c, 6.0);
                let elbow = (200.0 + vf * 10.0, 235.0 - vf * 15.0);
                let tip = (275.0 + vf * 12.0, 70.0 + vf * 20.0);
                self.line(p, (70.0, 115.0), elbow, 30.0, c);
                self.line(p, (85.0, 100.0), (150.0, 190.0), 9.0, STEEL);
                self.line(p, elbow, tip, 20.0, c);
                let (bx, by) = tip;
                self.poly(
                    p,
                    &[
                        (bx - 18.0, by + 8.0),
                        (bx + 28.0, by + 2.0),
                        (bx + 22.0, by - 55.0),
                        (bx - 20.0, by - 30.0),
                    ],
                    DARK,
                );
            }
            Shape::Backhoe => {
                self.wheel(p, -85.0, 58.0);
                self.wheel(p, 115.0, 42.0);
                self.rect(p, -160.0, 55.0, 170.0, 112.0, c);
                self.rect(p, 60.0, 60.0, 175.0, 125.0, c);
                self.cab(p, (-95.0, 112.0, 25.0, 225.0), dark, 0.0);
                self.line(p, (60.0, 110.0), (205.0, 55.0), 16.0, c);
                self.poly(p, &[(185.0, 90.0), (255.0, 80.0), (250.0, 5.0), (195.0, 15.0)], DARK);
                self.line(p, (-150.0, 110.0), (-235.0, 205.0 - vf * 10.0), 18.0, c);
                self.line(p, (-235.0, 205.0 - vf * 10.0), (-275.0, 60.0), 13.0, c);
                self.poly(
                    p,
                    &[(-290.0, 70.0), (-255.0, 65.0), (-262.0, 25.0), (-292.0, 35.0)],
                    DARK,
                );
            }
            Shape::SkidLoader => {
                self.wheel(p, -60.0, 36.0);
                self.wheel(p, 60.0, 36.0);
                self.rect(p, -95.0, 30.0, 85.0, 100.0, c);
                self.rect(p, -60.0, 100.0, 50.0, 205.0, DARK);
                self.rect(p, -50.0, 110.0, 40.0, 195.0, GLASS);
                self.line(p, (-85.0, 190.0), (115.0, 90.0 + vf * 8.0), 15.0, c);
                self.poly(p, &[(105.0, 100.0), (175.0, 95.0), (170.0, 5.0), (110.0, 10.0)], DARK);
            }
            Shape::WheelLoader => {
                self.wheel(p, -110.0, 62.0);
                self.wheel(p, 95.0, 62.0);
                self.rect(p, -210.0, 55.0, -35.0, 150.0, c);
                self.rect(p, -45.0, 55.0, 125.0, 110.0, dark);
                self.cab(p, (-100.0, 150.0, -5.0, 265.0), c, 8.0);
                let lift = vf * 18.0;
                self.line(p, (-20.0, 125.0), (175.0, 60.0 + lift), 24.0, c);
                self.poly(
                    p,
                    &[
                        (150.0, 125.0 + lift),
                        (265.0, 115.0 + lift),
                        (258.0, 5.0 + lift),
                        (160.0, 20.0 + lift),
                    ],
                    DARK,
                );
            }
            Shape::CrawlerCrane => {
                self.tracks(p, -170.0, 170.0, 50.0);
                self.rect(p, -150.0, 55.0, 100.0, 150.0, c);
                self.cab(p, (65.0, 55.0, 125.0, 175.0), c, 5.0);
                let ang = (64.0 + vf * 5.0_f32).to_radians();
                let (l, base) = (480.0, (70.0, 150.0));
                let tip = (base.0 + l * ang.cos(), base.1 + l * ang.sin());
                self.lattice(p, base, tip, 26.0, dark);
                self.line(p, tip, (tip.0, 190.0), 3.0, DARK);
                self.rect(p, tip.0 - 10.0, 170.0, tip.0 + 10.0, 195.0, DARK);
            }
            Shape::TruckCrane => {
                self.rect(p, -230.0, 0.0, -210.0, 50.0, DARK);
                let deck = self.truck(p, -240.0, 235.0, &[-165.0, -105.0, 130.0, 185.0], c);
                self.rect(p, -180.0, deck, -55.0, deck + 55.0, c);
                let ang = (18.0 + vf * 7.0_f32).to_radians();
                let b = (-120.0, deck + 45.0);
                let mid = (b.0 + 330.0 * ang.cos(), b.1 + 330.0 * ang.sin());
                let tip = (b.0 + 520.0 * ang.cos(), b.1 + 520.0 * ang.sin());
                self.line(p, b, mid, 28.0, c);
                self.line(p, mid, tip, 18.0, shade(c, 0.9));
                self.line(p, tip, (tip.0, deck + 60.0), 3.0, DARK);
            }
            Shape::Bulldozer => {
                self.tracks(p, -160.0, 135.0, 56.0);
                self.rect(p, -145.0, 55.0, 105.0, 135.0, c);
                self.rect(p, 10.0, 55.0, 115.0, 125.0, dark);
                self.cab(p, (-125.0, 135.0, -10.0, 250.0), c, 0.0);
                self.rect(p, 60.0, 125.0, 70.0, 175.0, DARK);
                self.line(p, (100.0, 60.0), (160.0, 40.0), 12.0, DARK);
                self.poly(p, &[(150.0, 0.0), (190.0, 0.0), (182.0, 140.0), (146.0, 132.0)], dark);
                self.line(p, (-155.0, 70.0), (-205.0, 10.0 + vf * 6.0), 12.0, DARK);
            }
            Shape::DumpTruck => {
                let deck = self.truck(p, -225.0, 215.0, &[-155.0, -90.0, 145.0], c);
                let tilt = if v == 3 { 0.35_f32 } else { 0.0 };
                let body =
                    [(-230.0, deck), (95.0, deck), (105.0, deck + 115.0), (-240.0, deck + 125.0)];
                let pivot = (-225.0, deck);
                let rot: Vec<(f32, f32)> = body.iter().map(|&q| rotate(q, pivot, tilt)).collect();
                let bc = if v.is_multiple_of(2) { shade(c, 0.85) } else { STEEL };
                self.poly(p, &rot, bc);
                for i in 1..5 {
                    let x = -230.0 + 65.0 * i as f32;
                    let a = rotate((x, deck + 5.0), pivot, tilt);
                    let b = rotate((x, deck + 115.0), pivot, tilt);
                    self.line(p, a, b, 5.0, shade(bc, 0.8));
                }
            }
            Shape::Manipulator => {
                let deck = self.truck(p, -230.0, 215.0, &[-160.0, -100.0, 145.0], c);
                self.rect(p, -230.0, deck, 95.0, deck + 18.0, DARK);
                for i in 0..3 {
                    let x = -215.0 + i as f32 * 75.0;
                    self.rect(p, x, deck + 18.0, x + 65.0, deck + 70.0, [150, 150, 145]);
                }
                self.rect(p, 95.0, deck, 115.0, deck + 120.0, STEEL);
                let joint = (-110.0 + vf * 20.0, deck + 165.0);
                self.line(p, (105.0, deck + 120.0), joint, 16.0, STEEL);
                self.line(p, joint, (-150.0, deck + 90.0), 12.0, STEEL);
            }
            Shape::AerialLift => {
                let deck = self.truck(p, -220.0, 215.0, &[-150.0, 140.0], c);
                self.rect(p, -150.0, deck, -90.0, deck + 40.0, DARK);
                let ang = (42.0 + vf * 6.0_f32).to_radians();
                let b = (-120.0, deck + 30.0);
                let tip = (b.0 + 330.0 * ang.cos(), b.1 + 330.0 * ang.sin());
                self.line(p, b, tip, 18.0, shade(c, 0.9));
                self.rect(
                    p,
                    tip.0 - 10.0,
                    tip.1 - 10.0,
                    tip.0 + 55.0,
                    tip.1 + 35.0,
                    [230, 120, 30],
                );
            }
            Shape::Grader => {
                self.wheel(p, -175.0, 44.0);
                self.wheel(p, -95.0, 44.0);
                self.wheel(p, 240.0, 40.0);
                self.rect(p, -225.0, 50.0, -55.0, 130.0, c);
                self.cab(p, (-85.0, 60.0, 5.0, 215.0), c, 0.0);
                self.line(p, (0.0, 110.0), (240.0, 95.0), 22.0, c);
                self.line(p, (60.0, 100.0), (90.0, 45.0), 10.0, DARK);
                self.poly(p, &[(25.0, 8.0), (150.0, 8.0), (145.0, 45.0), (35.0, 42.0)], DARK);
            }
            Shape::Roller => {
                self.circle(p, 125.0, 70.0, 70.0, STEEL);
                self.circle(p, 125.0, 70.0, 20.0, DARK);
                self.rect(p, 45.0, 95.0, 200.0, 155.0, c);
                self.wheel(p, -120.0, 56.0);
                self.rect(p, -195.0, 50.0, 50.0, 140.0, c);
                self.rect(p, -135.0, 140.0, -125.0, 240.0, DARK);
                self.rect(p, -30.0, 140.0, -20.0, 240.0, DARK);
                self.rect(p, -145.0, 238.0, -10.0, 252.0, c);
            }
            Shape::Tractor => {
                self.rect(p, 0.0, 55.0, 205.0, 132.0, c);
                self.wheel(p, -80.0, 86.0);
                self.wheel(p, 140.0, 46.0);
                self.cab(p, (-140.0, 100.0, 15.0, 270.0), c, 0.0);
                self.rect(p, 150.0, 130.0, 158.0, 215.0, DARK);
            }
            Shape::ConcretePump => {
                let deck = self.truck(p, -250.0, 220.0, &[-185.0, -125.0, 95.0, 150.0], c);
                self.rect(p, -230.0, deck, 90.0, deck + 50.0, STEEL);
                if v.is_multiple_of(2) {
                    for i in 0..3 {
                        let y = deck + 60.0 + i as f32 * 22.0;
                        self.line(
                            p,
                            (-220.0, y),
                            (150.0 - i as f32 * 20.0, y),
                            16.0,
                            shade(c, 0.95),
                        );
                    }
                } else {
                    let a = (60.0, deck + 55.0);
                    let b = (160.0, deck + 300.0);
                    let d = (360.0, deck + 330.0);
                    self.line(p, a, b, 20.0, c);
                    self.line(p, b, d, 16.0, c);
                    self.line(p, d, (430.0, deck + 200.0), 12.0, c);
                }
            }
            Shape::Mixer => {
                let deck = self.truck(p, -230.0, 215.0, &[-160.0, -95.0, 145.0], c);
                let drum = if v.is_multiple_of(2) { [236, 236, 230] } else { shade(c, 1.1) };
                let pts: Vec<(f32, f32)> = (0..40)
                    .map(|i| {
                        let t = i as f32 / 40.0 * std::f32::consts::TAU;
                        rotate(
                            (-60.0 + 150.0 * t.cos(), deck + 75.0 + 68.0 * t.sin()),
                            (-60.0, deck + 75.0),
                            0.2,
                        )
                    })
                    .collect();
                self.poly(p, &pts, drum);
                for i in 0..4 {
                    let x = -170.0 + 60.0 * i as f32;
                    let a = rotate((x, deck + 15.0), (-60.0, deck + 75.0), 0.2);
                    let b = rotate((x + 50.0, deck + 138.0), (-60.0, deck + 75.0), 0.2);
                    self.line(p, a, b, 9.0, [210, 70, 40]);
                }
                self.line(p, (-215.0, deck + 30.0), (-250.0, deck - 5.0), 10.0, DARK);
            }
            Shape::Auger => {
                let deck = self.truck(p, -230.0, 215.0, &[-160.0, -100.0, 145.0], c);
                self.rect(p, -200.0, deck, 80.0, deck + 40.0, dark);
                let top = 390.0 + vf * 20.0;
                self.rect(p, -195.0, deck, -170.0, top, c);
                self.line(p, (-182.0, top - 30.0), (-182.0, 40.0), 7.0, STEEL);
                for i in 0..6 {
                    let y = 40.0 + i as f32 * 14.0;
                    self.line(p, (-200.0, y), (-164.0, y + 10.0), 4.0, STEEL);
                }
            }
            Shape::LowBed => {
                self.truck(p, 110.0, 300.0, &[170.0, 240.0], c);
                self.rect(p, -330.0, 32.0, 120.0, 52.0, DARK);
                self.poly(p, &[(60.0, 52.0), (130.0, 52.0), (140.0, 85.0), (95.0, 85.0)], DARK);
                for x in [-300.0, -250.0, -200.0] {
                    self.wheel(p, x, 26.0);
                }
                let cargo = p.inner(-140.0, 52.0, 0.5);
                let colours = Shape::Excavator.colours();
                self.machine(cargo, Shape::Excavator, colours[v % colours.len()], 0);
            }
        }
    }

    fn lattice(&mut self, p: Pen, a: (f32, f32), b: (f32, f32), w: f32, c: Rgb) {
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        let (nx, ny) = (-dy / len * w / 2.0, dx / len * w / 2.0);
        let (a1, a2) = ((a.0 + nx, a.1 + ny), (a.0 - nx, a.1 - ny));
        let (b1, b2) = ((b.0 + nx * 0.4, b.1 + ny * 0.4), (b.0 - nx * 0.4, b.1 - ny * 0.4));
        self.line(p, a1, b1, 5.0, c);
        self.line(p, a2, b2, 5.0, c);
        let n = (len / 30.0) as usize;
        for i in 0..n {
            let t0 = i as f32 / n as f32;
            let t1 = (i + 1) as f32 / n as f32;
            let p0 = lerp2(a1, b1, t0);
            let p1 = lerp2(a2, b2, t1);
            self.line(p, p0, p1, 2.5, c);
        }
    }

    /// A spare part on a work table.
    pub(super) fn part(&mut self, i: usize) {
        let table = [[150, 112, 80], [120, 124, 130], [170, 140, 100]][i % 3];
        for y in 0..CH {
            let c = if y < CH * 2 / 5 {
                shade([200, 202, 205], 0.9)
            } else {
                shade(table, 0.8 + 0.4 * y as f32 / CH as f32)
            };
            self.px[y * CW..(y + 1) * CW].fill(c);
        }
        let p = Pen { ox: CW as f32 * 0.5, oy: CH as f32 * 0.78, s: 2.0, flip: false };
        self.ellipse_px(p.ox, p.oy, 500.0, 40.0, [20, 20, 20], 0.3);
        match i {
            0 => {
                let c = [[40, 90, 170], [230, 120, 30], [235, 235, 230]][self.rng.usize(0..3)];
                self.rect(p, -80.0, 0.0, 80.0, 230.0, c);
                self.rect(p, -80.0, 80.0, 80.0, 150.0, [245, 245, 240]);
                self.circle(p, 0.0, 230.0, 80.0, shade(c, 0.8));
                self.circle(p, 0.0, 230.0, 30.0, DARK);
            }
            1 => {
                self.line(p, (-200.0, 60.0), (40.0, 60.0), 70.0, [45, 45, 50]);
                self.line(p, (40.0, 60.0), (210.0, 60.0), 28.0, [210, 214, 220]);
                self.circle(p, -225.0, 60.0, 32.0, DARK);
                self.circle(p, 235.0, 60.0, 26.0, DARK);
            }
            2 => {
                let teeth: Vec<(f32, f32)> = (0..48)
                    .map(|k| {
                        let t = k as f32 / 48.0 * std::f32::consts::TAU;
                        let r = if k % 2 == 0 { 150.0 } else { 125.0 };
                        (r * t.cos(), 150.0 + r * t.sin())
                    })
                    .collect();
                self.poly(p, &teeth, [70, 72, 78]);
                self.circle(p, 0.0, 150.0, 45.0, table);
            }
            3 => {
                for k in 0..3 {
                    let r = 150.0 - k as f32 * 28.0;
                    self.circle(p, 0.0, 150.0, r, [28, 28, 30]);
                    self.circle(p, 0.0, 150.0, r - 16.0, table);
                }
                self.rect(p, 120.0, 130.0, 200.0, 170.0, [200, 170, 60]);
            }
            4 => {
                let c = [[30, 80, 170], [230, 180, 30], [200, 40, 40]][self.rng.usize(0..3)];
                self.rect(p, -110.0, 0.0, 110.0, 260.0, c);
                self.rect(p, -40.0, 260.0, 40.0, 290.0, DARK);
                self.rect(p, -80.0, 60.0, 80.0, 170.0, [245, 245, 240]);
                self.rect(p, -60.0, 100.0, 60.0, 120.0, shade(c, 0.8));
            }
            _ => {
                self.poly(
                    p,
                    &[(-160.0, 0.0), (60.0, 0.0), (200.0, 60.0), (60.0, 150.0), (-160.0, 150.0)],
                    [80, 80, 84],
                );
                self.rect(p, -160.0, 40.0, -60.0, 110.0, [50, 50, 54]);
            }
        }
    }
}
