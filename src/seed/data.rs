//! Word lists the demo seeder draws from: machinery with brands and models, people, companies,
//! services, parts and the sentences of ad descriptions and chats, all in Russian.

use super::photos::Shape;

/// What the seeder knows about one equipment type of `geo::EQUIPMENT_TYPES`.
pub struct Equipment {
    /// The type as stored in `ads.equipment_type`.
    pub name: &'static str,
    /// Genitive singular: "аренда экскаватора".
    pub genitive: &'static str,
    /// Accusative singular: "сдам автовышку".
    pub accusative: &'static str,
    /// Genitive plural: "ремонт экскаваторов".
    pub genitive_plural: &'static str,
    /// Engine power range, hp.
    pub hp: (u32, u32),
    /// Operating weight range, tonnes.
    pub weight_t: (f64, f64),
    /// Hourly rent range in US dollars.
    pub rent_usd_hour: (f64, f64),
    /// Price range of a new machine in US dollars.
    pub sale_usd: (f64, f64),
    /// Brands and their models.
    pub models: &'static [(&'static str, &'static [&'static str])],
    /// A sentence about the work it does.
    pub work: &'static str,
    /// How its demo photo is drawn.
    pub shape: Shape,
}

/// The machinery, one entry per equipment type.
pub const EQUIPMENT: &[Equipment] = &[
    Equipment {
        name: "экскаватор",
        genitive: "экскаватора",
        accusative: "экскаватор",
        genitive_plural: "экскаваторов",
        hp: (90, 420),
        weight_t: (13.0, 50.0),
        rent_usd_hour: (30.0, 75.0),
        sale_usd: (90_000.0, 420_000.0),
        models: &[
            ("Hitachi", &["ZX200", "ZX210LC-5G", "ZX330-3", "ZX240-3"]),
            ("Komatsu", &["PC200-8", "PC220-8M0", "PC300-8", "PC400-7"]),
            ("Caterpillar", &["320D", "320GC", "330D2L", "336"]),
            ("Volvo", &["EC210B", "EC290BLC", "EC480D"]),
            ("Hyundai", &["R220LC-9S", "R210W-9", "R330LC-9SH"]),
            ("Doosan", &["DX225LCA", "DX300LCA", "DX190W"]),
            ("XCMG", &["XE215C", "XE370CA", "XE60DA"]),
            ("SANY", &["SY215C", "SY365H", "SY500H"]),
            ("Liebherr", &["R 924 Compact", "R 926", "A 918"]),
            ("JCB", &["JS220", "JS205LC", "JS160W"]),
            ("Zoomlion", &["ZE215E", "ZE335E"]),
            ("ЕК", &["ЕК-18", "ЕК-270"]),
        ],
        work: "Рытьё котлованов и траншей, планировка, погрузка грунта, демонтаж.",
        shape: Shape::Excavator,
    },
    Equipment {
        name: "экскаватор-погрузчик",
        genitive: "экскаватора-погрузчика",
        accusative: "экскаватор-погрузчик",
        genitive_plural: "экскаваторов-погрузчиков",
        hp: (74, 110),
        weight_t: (7.5, 9.5),
        rent_usd_hour: (22.0, 45.0),
        sale_usd: (60_000.0, 130_000.0),
        models: &[
            ("JCB", &["3CX Super", "4CX", "3CX Eco"]),
            ("Caterpillar", &["428F2", "432F", "444F"]),
            ("Komatsu", &["WB93R-5", "WB97S"]),
            ("Volvo", &["BL71B", "BL61"]),
            ("Case", &["580ST", "695SR"]),
            ("New Holland", &["B115B", "LB110"]),
            ("Hidromek", &["102B", "HMK 102S"]),
            ("XCMG", &["XC870K"]),
            ("Амкодор", &["702ЕА"]),
        ],
        work: "Копка траншей под коммуникации, погрузка, уборка снега, благоустройство.",
        shape: Shape::Backhoe,
    },
    Equipment {
        name: "погрузчик",
        genitive: "погрузчика",
        accusative: "погрузчик",
        genitive_plural: "погрузчиков",
        hp: (45, 110),
        weight_t: (2.5, 8.0),
        rent_usd_hour: (15.0, 35.0),
        sale_usd: (25_000.0, 75_000.0),
        models: &[
            ("Bobcat", &["S530", "S650", "S770", "T590"]),
            ("Caterpillar", &["226B3", "262D", "TH417"]),
            ("JCB", &["155", "260", "531-70"]),
            ("Manitou", &["MT 1840", "MLT 735"]),
            ("New Holland", &["L218", "L230"]),
            ("Амкодор", &["211", "211М"]),
            ("МКСМ", &["800", "800К"]),
            ("XCMG", &["XC740K"]),
        ],
        work: "Погрузка сыпучих грузов, уборка территории и снега, работа на складе.",
        shape: Shape::SkidLoader,
    },
    Equipment {
        name: "фронтальный погрузчик",
        genitive: "фронтального погрузчика",
        accusative: "фронтальный погрузчик",
        genitive_plural: "фронтальных погрузчиков",
        hp: (120, 330),
        weight_t: (10.0, 32.0),
        rent_usd_hour: (25.0, 60.0),
        sale_usd: (60_000.0, 320_000.0),
        models: &[
            ("Caterpillar", &["950H", "966H", "962M"]),
            ("Komatsu", &["WA380-6", "WA470-6"]),
            ("Volvo", &["L90F", "L120H", "L150G"]),
            ("SDLG", &["LG956L", "L968F"]),
            ("XCMG", &["LW300FN", "ZL50GN", "LW500KV"]),
            ("Lonking", &["CDM855", "CDM843"]),
            ("Shantui", &["SL50W", "SL30W"]),
            ("Liebherr", &["L 556", "L 550"]),
            ("Doosan", &["DL300A", "SD300N"]),
            ("Амкодор", &["342В", "333В", "332С4"]),
        ],
        work: "Погрузка песка, щебня и угля, работа в карьере, на складе и на снегоуборке.",
        shape: Shape::WheelLoader,
    },
    Equipment {
        name: "кран",
        genitive: "крана",
        accusative: "кран",
        genitive_plural: "кранов",
        hp: (150, 400),
        weight_t: (40.0, 120.0),
        rent_usd_hour: (50.0, 150.0),
        sale_usd: (150_000.0, 900_000.0),
        models: &[
            ("Liebherr", &["LR 1100", "LR 1160", "HS 855"]),
            ("Zoomlion", &["ZCC550H", "QUY55"]),
            ("SANY", &["SCC550E", "SCC800A"]),
            ("XCMG", &["XGC55", "XGC85"]),
            ("Kobelco", &["7055", "CKE900G"]),
            ("ДЭК", &["ДЭК-251", "ДЭК-631"]),
            ("РДК", &["РДК-250"]),
        ],
        work: "Монтаж металлоконструкций и ЖБИ, подъём тяжёлых грузов на стройплощадке.",
        shape: Shape::CrawlerCrane,
    },
    Equipment {
        name: "автокран",
        genitive: "автокрана",
        accusative: "автокран",
        genitive_plural: "автокранов",
        hp: (240, 450),
        weight_t: (22.0, 48.0),
        rent_usd_hour: (40.0, 120.0),
        sale_usd: (90_000.0, 500_000.0),
        models: &[
            ("Галичанин", &["КС-55713-1", "КС-55729-1В", "КС-45719-1А"]),
            ("Ивановец", &["КС-45717К-1", "КС-35714К-2", "КС-45717-1Р"]),
            ("Клинцы", &["КС-55713-5К", "КС-35719-1-02"]),
            ("Челябинец", &["КС-55732", "КС-45721"]),
            ("XCMG", &["QY25K5", "XCT25L5", "QY50KA"]),
            ("Zoomlion", &["QY25V", "ZTC500V"]),
            ("SANY", &["STC250", "STC500"]),
            ("Liebherr", &["LTM 1060-3.1", "LTM 1090-4.2"]),
            ("Tadano", &["GR-500EX", "ATF 70G-4"]),
        ],
        work: "Погрузочно-разгрузочные работы, монтаж конструкций, подача материалов на высоту.",
        shape: Shape::TruckCrane,
    },
    Equipment {
        name: "бульдозер",
        genitive: "бульдозера",
        accusative: "бульдозер",
        genitive_plural: "бульдозеров",
        hp: (130, 420),
        weight_t: (15.0, 50.0),
        rent_usd_hour: (35.0, 90.0),
        sale_usd: (90_000.0, 450_000.0),
        models: &[
            ("Четра", &["Т-11", "Т-15", "Т-25"]),
            ("ДСТ-Урал", &["Б10М", "Б11", "Б12"]),
            ("Caterpillar", &["D6R", "D8T", "D9R"]),
            ("Komatsu", &["D65EX-16", "D155A-5", "D85ESS"]),
            ("Shantui", &["SD16", "SD22", "SD32"]),
            ("Liebherr", &["PR 734", "PR 754"]),
            ("XCMG", &["TY165-3", "TY230"]),
            ("Zoomlion", &["ZD160-3", "ZD220"]),
        ],
        work: "Планировка площадок, срезка грунта, отсыпка дорог, расчистка территории.",
        shape: Shape::Bulldozer,
    },
    Equipment {
        name: "самосвал",
        genitive: "самосвала",
        accusative: "самосвал",
        genitive_plural: "самосвалов",
        hp: (280, 700),
        weight_t: (12.0, 45.0),
        rent_usd_hour: (20.0, 50.0),
        sale_usd: (60_000.0, 160_000.0),
        models: &[
            ("КАМАЗ", &["6520", "65115", "65801", "6580"]),
            ("МАЗ", &["6501С9", "5516Х5", "6516В9"]),
            ("БЕЛАЗ", &["7540В", "7547", "75473"]),
            ("Shacman", &["SX3258DR384", "X3000 8x4"]),
            ("Howo", &["ZZ3327N3847E", "T5G 6x4"]),
            ("Volvo", &["FMX 460", "FM 400"]),
            ("Scania", &["P440 8x4", "G440"]),
            ("FAW", &["J6 CA3250", "CA3310"]),
            ("Урал", &["5557", "Next 6x6"]),
        ],
        work: "Вывоз грунта и строительного мусора, доставка песка, щебня и ПГС.",
        shape: Shape::DumpTruck,
    },
    Equipment {
        name: "манипулятор",
        genitive: "манипулятора",
        accusative: "манипулятор",
        genitive_plural: "манипуляторов",
        hp: (150, 420),
        weight_t: (8.0, 25.0),
        rent_usd_hour: (25.0, 55.0),
        sale_usd: (70_000.0, 170_000.0),
        models: &[
            ("КАМАЗ", &["43118 с КМУ Kanglim", "65117 с КМУ Soosan"]),
            ("Hyundai", &["HD120 с КМУ", "HD78 с КМУ Dong Yang"]),
            ("Isuzu", &["Giga с КМУ Unic", "Forward с КМУ"]),
            ("Palfinger", &["PK 23500", "PK 15500"]),
            ("Fassi", &["F215A", "F155A"]),
            ("Kanglim", &["KS2056", "KS1256G-II"]),
            ("Soosan", &["SCS736L", "SCS513"]),
            ("ИНМАН", &["ИТ-150", "ИМ-95"]),
            ("МАЗ", &["6312 с КМУ", "5340 с КМУ"]),
        ],
        work: "Перевозка и погрузка блоков, труб, контейнеров и стройматериалов.",
        shape: Shape::Manipulator,
    },
    Equipment {
        name: "автовышка",
        genitive: "автовышки",
        accusative: "автовышку",
        genitive_plural: "автовышек",
        hp: (110, 300),
        weight_t: (5.0, 18.0),
        rent_usd_hour: (20.0, 50.0),
        sale_usd: (40_000.0, 150_000.0),
        models: &[
            ("Palfinger", &["P 300 KS", "P 240 A"]),
            ("Чайка-Сокол", &["АПТ-28", "АПТ-22"]),
            ("ВИПО", &["ВИПО-22", "ВИПО-32"]),
            ("АГП", &["АГП-22", "АГП-28"]),
            ("Socage", &["T318", "DA328"]),
            ("Genie", &["Z-45/25", "S-65"]),
            ("JLG", &["450AJ", "660SJ"]),
            ("Haulotte", &["HA16 RTJ", "HT23 RTJ"]),
        ],
        work: "Высотные работы: монтаж рекламы, обрезка деревьев, ремонт фасадов и освещения.",
        shape: Shape::AerialLift,
    },
    Equipment {
        name: "грейдер",
        genitive: "грейдера",
        accusative: "грейдер",
        genitive_plural: "грейдеров",
        hp: (140, 270),
        weight_t: (13.0, 22.0),
        rent_usd_hour: (35.0, 70.0),
        sale_usd: (110_000.0, 330_000.0),
        models: &[
            ("Caterpillar", &["140K", "140H", "12K"]),
            ("Komatsu", &["GD555-5", "GD705A"]),
            ("XCMG", &["GR215", "GR180"]),
            ("SANY", &["STG190C", "SAG200"]),
            ("Shantui", &["SG21-3", "SG18"]),
            ("Volvo", &["G940", "G930"]),
            ("ЧСДМ", &["ГС-14.02", "ДЗ-98"]),
            ("Амкодор", &["ГС-200"]),
        ],
        work: "Профилирование дорог и откосов, планировка оснований, очистка от снега.",
        shape: Shape::Grader,
    },
    Equipment {
        name: "каток",
        genitive: "катка",
        accusative: "каток",
        genitive_plural: "катков",
        hp: (30, 200),
        weight_t: (1.5, 20.0),
        rent_usd_hour: (20.0, 45.0),
        sale_usd: (30_000.0, 170_000.0),
        models: &[
            ("Bomag", &["BW 213 D-5", "BW 120 AD-5", "BW 211"]),
            ("Hamm", &["3411", "HD 12 VV", "H 13i"]),
            ("Dynapac", &["CA250D", "CC1200"]),
            ("XCMG", &["XS122", "XS203J", "XD82"]),
            ("Caterpillar", &["CS56B", "CB24B"]),
            ("SANY", &["SSR120C", "STR130"]),
            ("Амкодор", &["6223А", "6712В"]),
            ("Раскат", &["ДУ-47", "ДУ-96"]),
        ],
        work: "Уплотнение грунта, щебня и асфальта при строительстве дорог и площадок.",
        shape: Shape::Roller,
    },
    Equipment {
        name: "трактор",
        genitive: "трактора",
        accusative: "трактор",
        genitive_plural: "тракторов",
        hp: (80, 420),
        weight_t: (3.5, 16.0),
        rent_usd_hour: (15.0, 35.0),
        sale_usd: (30_000.0, 250_000.0),
        models: &[
            ("МТЗ", &["Беларус 82.1", "Беларус 1221.2", "Беларус 3022"]),
            ("Кировец", &["К-744Р3", "К-742М"]),
            ("John Deere", &["8R 370", "6135M"]),
            ("New Holland", &["T8.410", "T6090"]),
            ("Claas", &["Axion 850", "Arion 630"]),
            ("Case", &["Puma 185", "Magnum 340"]),
            ("ЮМЗ", &["ЮМЗ-6", "ЮМЗ-8244"]),
        ],
        work: "Работы с навесным оборудованием: щётка, отвал, бур, прицеп, ковш.",
        shape: Shape::Tractor,
    },
    Equipment {
        name: "бетононасос",
        genitive: "бетононасоса",
        accusative: "бетононасос",
        genitive_plural: "бетононасосов",
        hp: (300, 520),
        weight_t: (25.0, 50.0),
        rent_usd_hour: (60.0, 150.0),
        sale_usd: (150_000.0, 600_000.0),
        models: &[
            ("Putzmeister", &["M 36-4", "M 42-5", "BSF 28"]),
            ("Schwing", &["S 36 X", "S 43 SX"]),
            ("SANY", &["SY5419THB 56", "SYM5230THB 370C-8"]),
            ("Zoomlion", &["47X-5RZ", "38X-5RZ"]),
            ("XCMG", &["HB48K", "HB37V"]),
            ("KCP", &["36ZX", "47ZS"]),
            ("Everdigm", &["ECP 43CX"]),
        ],
        work: "Подача бетона на перекрытия, в фундаменты и на высоту до 50 метров.",
        shape: Shape::ConcretePump,
    },
    Equipment {
        name: "миксер",
        genitive: "миксера",
        accusative: "миксер",
        genitive_plural: "миксеров",
        hp: (280, 440),
        weight_t: (12.0, 32.0),
        rent_usd_hour: (25.0, 55.0),
        sale_usd: (70_000.0, 150_000.0),
        models: &[
            ("КАМАЗ", &["581453 АБС-9", "6520 АБС-12"]),
            ("МАЗ", &["6501 АБС-10", "6516 АБС-12"]),
            ("Shacman", &["X3000 АБС-10", "F3000 АБС-12"]),
            ("Howo", &["ZZ5257 АБС-10", "T5G АБС-8"]),
            ("SANY", &["SY410C-8", "SY312C"]),
            ("XCMG", &["G10K", "G12V"]),
            ("Liebherr", &["HTM 904", "HTM 1004"]),
            ("Zoomlion", &["K10JBS", "K12"]),
        ],
        work: "Доставка товарного бетона и раствора на объект с перемешиванием в пути.",
        shape: Shape::Mixer,
    },
    Equipment {
        name: "ямобур",
        genitive: "ямобура",
        accusative: "ямобур",
        genitive_plural: "ямобуров",
        hp: (80, 300),
        weight_t: (6.0, 30.0),
        rent_usd_hour: (25.0, 55.0),
        sale_usd: (40_000.0, 250_000.0),
        models: &[
            ("КАМАЗ", &["43118 с БКМ-1513", "43114 с БКМ-317"]),
            ("Урал", &["4320 с БКМ-317"]),
            ("МТЗ", &["82.1 с ЯБ-2", "892 с буром"]),
            ("Liebherr", &["LB 16", "LB 28"]),
            ("Bauer", &["BG 20", "BG 28"]),
            ("SANY", &["SR155", "SR235"]),
            ("XCMG", &["XR150D", "XR180DII"]),
        ],
        work: "Бурение под сваи, опоры ЛЭП, столбы заборов и фундаменты.",
        shape: Shape::Auger,
    },
    Equipment {
        name: "трал",
        genitive: "трала",
        accusative: "трал",
        genitive_plural: "тралов",
        hp: (380, 600),
        weight_t: (10.0, 20.0),
        rent_usd_hour: (40.0, 90.0),
        sale_usd: (45_000.0, 180_000.0),
        models: &[
            ("ЧМЗАП", &["99064", "9990", "93853"]),
            ("Тонар", &["97461", "974623"]),
            ("Nooteboom", &["OSDS 48-03", "EURO-60"]),
            ("Goldhofer", &["STZ-VP 4", "STN-L3"]),
            ("Faymonville", &["MultiMAX", "MegaMAX"]),
            ("КАМАЗ", &["65116 с тралом ЧМЗАП", "65226 с полуприцепом"]),
            ("МАЗ", &["6430 с тралом", "5440 с тралом"]),
        ],
        work: "Перевозка спецтехники и негабаритных грузов, оформление разрешений.",
        shape: Shape::LowBed,
    },
];

/// A service offered in a `service` ad.
pub struct Service {
    /// `ads.service_name`.
    pub name: &'static str,
    /// Whether "… экскаваторов" may follow the name in a title.
    pub takes_type: bool,
    /// Typical price range in US dollars.
    pub usd: (f64, f64),
    /// Index into `REPAIR_CATEGORIES`.
    pub category: usize,
}

/// Repair and other services.
pub const SERVICES: &[Service] = &[
    Service {
        name: "Ремонт гидравлики", takes_type: true, usd: (80.0, 900.0), category: 1
    },
    Service {
        name: "Диагностика двигателя", takes_type: true, usd: (30.0, 150.0), category: 2
    },
    Service {
        name: "Капитальный ремонт ДВС",
        takes_type: true,
        usd: (1_500.0, 9_000.0),
        category: 0,
    },
    Service {
        name: "Шиномонтаж спецтехники", takes_type: false, usd: (20.0, 150.0), category: 3
    },
    Service {
        name: "Ремонт ходовой части", takes_type: true, usd: (200.0, 3_000.0), category: 0
    },
    Service {
        name: "Ремонт КПП и мостов", takes_type: true, usd: (300.0, 2_500.0), category: 0
    },
    Service {
        name: "Сварочные работы", takes_type: false, usd: (30.0, 400.0), category: 3
    },
    Service {
        name: "Ремонт топливной аппаратуры",
        takes_type: true,
        usd: (100.0, 900.0),
        category: 0,
    },
    Service {
        name: "Компьютерная диагностика", takes_type: true, usd: (25.0, 120.0), category: 2
    },
    Service {
        name: "Ремонт стрелы и ковша", takes_type: true, usd: (150.0, 2_000.0), category: 1
    },
    Service {
        name: "Расточка и наплавка", takes_type: false, usd: (50.0, 600.0), category: 3
    },
    Service {
        name: "Ремонт турбокомпрессоров",
        takes_type: false,
        usd: (150.0, 800.0),
        category: 0,
    },
    Service {
        name: "Изготовление и замена РВД",
        takes_type: false,
        usd: (15.0, 200.0),
        category: 1,
    },
    Service {
        name: "Выездной ремонт спецтехники",
        takes_type: false,
        usd: (50.0, 500.0),
        category: 0,
    },
    Service {
        name: "Техническое обслуживание", takes_type: true, usd: (60.0, 400.0), category: 2
    },
    Service {
        name: "Ремонт электрооборудования",
        takes_type: true,
        usd: (40.0, 500.0),
        category: 0,
    },
    Service {
        name: "Ремонт гидронасосов и гидромоторов",
        takes_type: false,
        usd: (200.0, 1_800.0),
        category: 1,
    },
    Service {
        name: "Восстановление пальцев и втулок",
        takes_type: false,
        usd: (30.0, 300.0),
        category: 3,
    },
    Service {
        name: "Покраска спецтехники", takes_type: false, usd: (300.0, 3_000.0), category: 3
    },
];

/// Repair categories: (slug, name).
pub const REPAIR_CATEGORIES: &[(&str, &str)] = &[
    ("repair-dvigatel-i-transmissiya", "Ремонт двигателя и трансмиссии"),
    ("repair-gidravlika", "Гидравлика"),
    ("repair-diagnostika-i-to", "Диагностика и ТО"),
    ("repair-svarka-i-shinomontazh", "Сварка, шиномонтаж, покраска"),
];

/// Parts categories by `Part::photo`: (slug, name).
pub const PARTS_CATEGORIES: &[(&str, &str)] = &[
    ("parts-filtry", "Фильтры"),
    ("parts-gidravlika", "Гидравлика"),
    ("parts-khodovaya-i-tormoza", "Ходовая часть и тормоза"),
    ("parts-dvigatel-i-elektrika", "Двигатель и электрика"),
    ("parts-masla-i-zhidkosti", "Масла и жидкости"),
    ("parts-kovshi-i-navesnoe", "Ковши, зубья, навесное"),
];

/// A spare part offered in a `parts` ad.
pub struct Part {
    /// `ads.part_name`.
    pub name: &'static str,
    /// Typical price range in US dollars.
    pub usd: (f64, f64),
    /// Which of the part photos fits; also its index in `PARTS_CATEGORIES`.
    pub photo: usize,
}

/// Spare parts and consumables.
pub const PARTS: &[Part] = &[
    Part { name: "Фильтр масляный", usd: (8.0, 60.0), photo: 0 },
    Part { name: "Фильтр топливный", usd: (8.0, 70.0), photo: 0 },
    Part { name: "Фильтр воздушный", usd: (15.0, 120.0), photo: 0 },
    Part { name: "Фильтр гидравлический", usd: (20.0, 150.0), photo: 0 },
    Part { name: "Гидроцилиндр ковша", usd: (400.0, 3_500.0), photo: 1 },
    Part { name: "Гидроцилиндр стрелы", usd: (600.0, 5_000.0), photo: 1 },
    Part { name: "Тормозные колодки", usd: (30.0, 250.0), photo: 2 },
    Part { name: "Ремень генератора", usd: (10.0, 80.0), photo: 2 },
    Part { name: "Шланг РВД", usd: (15.0, 150.0), photo: 3 },
    Part { name: "Масло гидравлическое", usd: (40.0, 400.0), photo: 4 },
    Part { name: "Масло моторное 15W-40", usd: (30.0, 300.0), photo: 4 },
    Part { name: "Зуб ковша", usd: (15.0, 90.0), photo: 5 },
    Part { name: "Коронка ковша", usd: (20.0, 120.0), photo: 5 },
    Part { name: "Гусеничная цепь", usd: (900.0, 6_000.0), photo: 2 },
    Part { name: "Опорный каток", usd: (120.0, 700.0), photo: 2 },
    Part { name: "Ведущая звёздочка", usd: (200.0, 1_200.0), photo: 2 },
    Part { name: "Турбокомпрессор", usd: (400.0, 2_500.0), photo: 3 },
    Part { name: "ТНВД", usd: (600.0, 4_000.0), photo: 3 },
    Part { name: "Гидронасос", usd: (900.0, 7_000.0), photo: 1 },
    Part { name: "Гидромотор хода", usd: (1_000.0, 6_000.0), photo: 1 },
    Part { name: "Стартер", usd: (150.0, 900.0), photo: 3 },
    Part { name: "Генератор", usd: (150.0, 900.0), photo: 3 },
    Part { name: "Радиатор охлаждения", usd: (300.0, 2_000.0), photo: 3 },
    Part { name: "Стекло кабины", usd: (60.0, 400.0), photo: 5 },
    Part { name: "Шина 17.5-25", usd: (400.0, 1_600.0), photo: 2 },
    Part { name: "Аккумулятор 190 Ач", usd: (150.0, 400.0), photo: 3 },
];

/// How many distinct part photos `PARTS[..].photo` refers to.
pub const PART_PHOTOS: usize = 6;

/// Given names and surnames per country: (male names, female names, surnames).
pub fn names(
    country: &str,
) -> (&'static [&'static str], &'static [&'static str], &'static [&'static str]) {
    match country {
        "kz" => (
            &[
                "Ерлан",
                "Нурлан",
                "Асхат",
                "Бауыржан",
                "Даурен",
                "Айбек",
                "Ержан",
                "Серик",
                "Марат",
                "Куаныш",
                "Сергей",
                "Андрей",
            ],
            &["Айгерим", "Динара", "Жанар", "Салтанат", "Гульнара", "Ольга"],
            &[
                "Ахметов",
                "Сейтказиев",
                "Жумабаев",
                "Нургалиев",
                "Абдрахманов",
                "Касымов",
                "Тулегенов",
                "Омаров",
                "Иманбаев",
                "Ким",
                "Иванов",
            ],
        ),
        "uz" => (
            &[
                "Алишер",
                "Бахтиёр",
                "Жасур",
                "Рустам",
                "Шерзод",
                "Улугбек",
                "Фаррух",
                "Отабек",
                "Санжар",
                "Дилшод",
                "Тимур",
            ],
            &["Дильноза", "Нигора", "Малика", "Гулнора", "Шахноза"],
            &[
                "Каримов",
                "Рахимов",
                "Юсупов",
                "Абдуллаев",
                "Тошматов",
                "Усмонов",
                "Мирзаев",
                "Исмоилов",
                "Хасанов",
                "Назаров",
                "Пак",
            ],
        ),
        "ru" => (
            &[
                "Александр",
                "Дмитрий",
                "Сергей",
                "Андрей",
                "Алексей",
                "Максим",
                "Иван",
                "Михаил",
                "Николай",
                "Владимир",
                "Евгений",
                "Артём",
            ],
            &["Ольга", "Елена", "Наталья", "Татьяна", "Анна", "Мария"],
            &[
                "Иванов",
                "Смирнов",
                "Кузнецов",
                "Попов",
                "Васильев",
                "Петров",
                "Соколов",
                "Михайлов",
                "Новиков",
                "Фёдоров",
                "Морозов",
                "Волков",
                "Лебедев",
                "Козлов",
            ],
        ),
        _ => (
            &[
                "Александр",
                "Сергей",
                "Андрей",
                "Дмитрий",
                "Виктор",
                "Павел",
                "Игорь",
                "Олег",
                "Вадим",
            ],
            &["Ольга", "Ирина", "Светлана", "Юлия"],
            &[
                "Ковалёв",
                "Новик",
                "Шевчук",
                "Козловский",
                "Мельник",
                "Климович",
                "Жук",
                "Лукашевич",
                "Карпович",
                "Бондаренко",
                "Сидоренко",
            ],
        ),
    }
}

/// The feminine form of a surname ("Иванов" → "Иванова", "Козловский" → "Козловская").
pub fn feminine_surname(surname: &str) -> String {
    if let Some(stem) = surname.strip_suffix("ий") {
        format!("{stem}ая")
    } else if ["ов", "ев", "ёв", "ин"].iter().any(|s| surname.ends_with(s)) {
        format!("{surname}а")
    } else {
        surname.to_owned()
    }
}

/// Legal forms of companies per country.
pub fn legal_forms(country: &str) -> &'static [&'static str] {
    match country {
        "kz" => &["ТОО", "ТОО", "ТОО", "ИП", "АО"],
        "uz" => &["ООО", "ООО", "ЧП", "СП ООО"],
        "ru" => &["ООО", "ООО", "ООО", "ИП", "АО"],
        _ => &["ООО", "ЧУП", "ОДО", "ЧТУП"],
    }
}

/// First halves of company names.
pub const COMPANY_HEADS: &[&str] = &[
    "Спец",
    "Строй",
    "Техно",
    "Мега",
    "Гидро",
    "Авто",
    "Тяж",
    "Урал",
    "Степь",
    "Евразия",
    "Азия",
    "Гранит",
    "Профи",
    "Базис",
    "Альфа",
    "Терра",
    "Меридиан",
    "Восток",
    "Сибирь",
    "Каспий",
];

/// Second halves of company names.
pub const COMPANY_TAILS: &[&str] = &[
    "ТехСтрой",
    "Маш",
    "Сервис",
    "Лизинг",
    "Ресурс",
    "Трейд",
    "Транс",
    "Инвест",
    "Техника",
    "Мастер",
    "Снаб",
    "Групп",
    "Монтаж",
    "Механизация",
];

/// Streets for addresses.
pub const STREETS: &[&str] = &[
    "ул. Ленина",
    "ул. Абая",
    "пр. Независимости",
    "ул. Промышленная",
    "ул. Заводская",
    "ул. Строителей",
    "ул. Гагарина",
    "ул. Садовая",
    "ул. Навои",
    "ул. Сейфуллина",
    "пр. Мира",
    "ул. Индустриальная",
    "ул. Транспортная",
    "ул. Амира Темура",
];

/// Minimum orders per rent unit.
pub fn min_orders(unit: &str) -> &'static [&'static str] {
    match unit {
        "hour" => {
            &["от 2 часов", "от 3 часов", "от 4 часов", "от 4 часов", "от 8 часов", "от 1 смены"]
        }
        "day" => &["от 1 дня", "от 1 смены", "от 3 дней", "от 5 дней"],
        _ => &["от 1 месяца", "от 2 месяцев", "от 3 месяцев"],
    }
}

/// Opening sentences of rent descriptions; `{acc}` etc. are filled by the seeder.
pub const RENT_OPENINGS: &[&str] = &[
    "Сдаём в аренду {acc} {brand} {model} {year} года выпуска.",
    "Предлагаем {acc} {brand} {model} в аренду, техника {year} года.",
    "{Type} {brand} {model} ({year} г.) свободен для работы на вашем объекте.",
    "Аренда {gen} {brand} {model} — быстро, недорого, без посредников.",
];

/// Further sentences of rent descriptions.
pub const RENT_SENTENCES: &[&str] = &[
    "Техника в отличном состоянии, своевременно проходит ТО.",
    "Мощность двигателя {hp} л.с., эксплуатационная масса {weight} т.",
    "{work}",
    "Работаем по договору, с НДС и без НДС.",
    "Оплата наличными или по безналичному расчёту.",
    "Минимальный заказ — {min_order}.",
    "Звоните в любое время, ответим на все вопросы.",
    "Возможна работа в ночное время и в выходные дни.",
    "Скидки при долгосрочной аренде и постоянным клиентам.",
    "Все документы в порядке, техника застрахована.",
    "Подача техники на объект в течение 2–3 часов после звонка.",
    "Город {city}, выезжаем также в область.",
];

/// A sentence about the operator, by `with_operator`.
pub const OPERATOR_SENTENCES: [&str; 2] = [
    "Возможна аренда без оператора при наличии у вас допуска.",
    "Работаем с опытным оператором, стаж более 10 лет.",
];

/// Opening sentences of sale descriptions.
pub const SALE_OPENINGS: &[&str] = &[
    "Продаётся {type} {brand} {model} {year} года выпуска.",
    "Продам {acc} {brand} {model}, {year} г. в.",
    "В продаже {type} {brand} {model}, год выпуска — {year}.",
];

/// Sale sentences by condition: new, used, refurbished.
pub const CONDITION_SENTENCES: [&[&str]; 3] = [
    &[
        "Техника новая, с гарантией официального дилера.",
        "Новая техника в наличии на складе, без пробега по стране.",
    ],
    &[
        "Наработка {hours} моточасов.",
        "Наработка {hours} м/ч, один владелец, полная сервисная история.",
    ],
    &[
        "После капитального ремонта, все расходники заменены.",
        "Прошла полное восстановление: двигатель, гидравлика, ходовая.",
    ],
];

/// Further sentences of sale descriptions.
pub const SALE_SENTENCES: &[&str] = &[
    "Мощность {hp} л.с., масса {weight} т.",
    "Двигатель и гидравлика работают без нареканий, течей нет.",
    "Ходовая часть в хорошем состоянии.",
    "Возможен лизинг и рассрочка.",
    "Разумный торг у техники.",
    "Документы в порядке, техника на учёте.",
    "Осмотр в городе {city} в любое удобное время.",
    "Поможем с доставкой в другие регионы.",
    "Обмен не предлагать.",
    "Продажа с НДС, полный пакет документов.",
    "{work}",
];

/// Sentences of service descriptions.
pub const SERVICE_SENTENCES: &[&str] = &[
    "{service} — наша основная специализация.",
    "Работаем с техникой Caterpillar, Komatsu, Hitachi, JCB, XCMG, SANY и других марок.",
    "Выезжаем на объекты, город {city} и область.",
    "Собственный цех и склад запчастей.",
    "Гарантия на выполненные работы до 6 месяцев.",
    "Используем оригинальные и качественные аналоговые запчасти.",
    "Бесплатная диагностика при заказе ремонта.",
    "Работаем по договору, с НДС и без.",
    "Срочный выезд в выходные и праздничные дни.",
    "Опытные мастера, стаж работы более 15 лет.",
    "Стоимость работ рассчитываем после осмотра техники.",
];

/// Sentences of parts descriptions.
pub const PARTS_SENTENCES: &[&str] = &[
    "{part} для {gen} {brand} {model}.",
    "В наличии и под заказ.",
    "Оригинал и качественные аналоги, подберём по каталожному номеру.",
    "Отправка транспортными компаниями по всей стране.",
    "Подберём деталь по серийному номеру техники.",
    "Оптовым покупателям — скидки.",
    "Каталожный номер уточняйте по телефону.",
    "Самовывоз со склада, город {city}.",
    "Работаем с юридическими и физическими лицами.",
];

/// Parts sentences by condition: new, used, refurbished.
pub const PART_CONDITION_SENTENCES: [&str; 3] = [
    "Новая деталь, гарантия 3 месяца.",
    "Б/у, снято с исправной техники, состояние хорошее.",
    "Восстановленная деталь, проверена на стенде.",
];

/// Buyer lines of a chat, in the order a conversation goes.
pub const BUYER_LINES: &[&str] = &[
    "Здравствуйте! Объявление ещё актуально?",
    "Какая будет цена за неделю работы?",
    "А в выходные работаете?",
    "Можно посмотреть технику завтра утром?",
    "Документы в порядке? С НДС работаете?",
    "Хорошо, спасибо. Договорились.",
    "Пришлите, пожалуйста, ещё фото.",
    "Скиньте номер, я перезвоню.",
];

/// Seller lines of a chat.
pub const SELLER_LINES: &[&str] = &[
    "Добрый день! Да, актуально.",
    "Зависит от объёма работ, при долгосрочном заказе сделаем скидку.",
    "Да, работаем без выходных.",
    "Конечно, подъезжайте, адрес скину.",
    "Да, всё по договору, с НДС.",
    "Спасибо, до встречи!",
    "Отправил фото на почту.",
    "Звоните в любое время.",
];
