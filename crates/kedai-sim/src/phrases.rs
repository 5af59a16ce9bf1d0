//! What buyers, agents, bots and platforms say in the generated history: English and Malay,
//! with Filipino (Taglish) and Indonesian for the regions that speak them.

use kedai_core::{Platform, Region};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ms,
    Fil,
    Id,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    PrePurchase,
    Logistics,
    AfterSales,
}

/// The languages buyers of a region write in, with weights.
pub fn languages(region: Region) -> &'static [(Lang, u32)] {
    match region {
        Region::MY => &[(Lang::Ms, 5), (Lang::En, 4)],
        Region::SG => &[(Lang::En, 8), (Lang::Ms, 1)],
        Region::PH => &[(Lang::En, 4), (Lang::Fil, 5)],
        Region::ID => &[(Lang::Id, 8), (Lang::En, 1)],
        _ => &[(Lang::En, 1)],
    }
}

pub fn opener(lang: Lang, topic: Topic) -> &'static [&'static str] {
    use Lang::*;
    use Topic::*;
    match (lang, topic) {
        (En, PrePurchase) => &[
            "Hi, is this still in stock?",
            "Hello, do you have this in size M?",
            "Is the blue colour available?",
            "Can I get a discount if I buy 3?",
            "Is this original? Got warranty?",
            "Hi seller, what is the material of this shirt?",
            "Does this come with a charger?",
            "How long does delivery to Penang take?",
        ],
        (Ms, PrePurchase) => &[
            "Salam, barang ni ada stok lagi?",
            "Boleh dapat diskaun kalau beli 2?",
            "Saiz L ada tak?",
            "Hai, warna hitam masih ada ke?",
            "Barang ni original ke? Ada waranti?",
            "Berapa lama nak sampai ke Johor?",
            "Boleh COD tak?",
        ],
        (Fil, PrePurchase) => &[
            "Hi po, available pa po ba ito?",
            "Meron po bang size small?",
            "Pwede po ba COD?",
            "Legit po ba ito? May warranty?",
            "Ilang days po shipping sa Cebu?",
        ],
        (Id, PrePurchase) => &[
            "Halo kak, barang ini masih ready?",
            "Ukuran M masih ada kak?",
            "Bisa COD gak kak?",
            "Ini original kak? Ada garansi?",
        ],
        (En, Logistics) => &[
            "Hi, when will my order be shipped?",
            "My parcel still hasn't arrived, can you check?",
            "The tracking number is not updating since 3 days",
            "Can you change my delivery address?",
            "Hello, why is my order still processing?",
        ],
        (Ms, Logistics) => &[
            "Bila order saya nak pos?",
            "Parcel saya belum sampai lagi, boleh check?",
            "Tracking tak update dah 3 hari",
            "Boleh tukar alamat penghantaran?",
            "Kenapa order saya masih dalam proses?",
        ],
        (Fil, Logistics) => &[
            "Kailan po ma-ship yung order ko?",
            "Hindi pa po dumadating yung parcel ko",
            "Bakit po hindi nag-uupdate yung tracking?",
        ],
        (Id, Logistics) => &[
            "Kak, pesanan saya kapan dikirim?",
            "Paket saya belum sampai kak, tolong dicek",
            "Resi tidak update sudah 3 hari",
        ],
        (En, AfterSales) => &[
            "I received the wrong colour",
            "The item arrived damaged, how can I return it?",
            "One piece is missing from my order",
            "The size is too small, can I exchange?",
            "Hi, the product is not working. Can I get a refund?",
        ],
        (Ms, AfterSales) => &[
            "Saya dapat warna salah",
            "Barang sampai rosak, macam mana nak return?",
            "Ada satu barang tak ada dalam parcel",
            "Saiz kecil sangat, boleh tukar?",
            "Barang tak berfungsi, boleh refund?",
        ],
        (Fil, AfterSales) => &[
            "Mali po yung kulay na dumating",
            "Sira po yung item pagdating, pwede po ibalik?",
            "Kulang po ng isa yung order ko",
        ],
        (Id, AfterSales) => &[
            "Kak, warnanya salah kirim",
            "Barangnya rusak pas sampai, bisa retur?",
            "Pesanan saya kurang satu kak",
        ],
    }
}

pub fn follow_up(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Hello?",
            "Anyone there?",
            "Hi, any update?",
            "Please reply, thanks",
        ],
        Lang::Ms => &[
            "Hello?",
            "Ada orang tak?",
            "Boss, ada update?",
            "Tolong reply ye",
        ],
        Lang::Fil => &["Hello po?", "Seller? Paki-reply po", "Update po?"],
        Lang::Id => &["Halo kak?", "Kak, mohon dibalas", "Ada update kak?"],
    }
}

pub fn agent_reply(lang: Lang, topic: Topic) -> &'static [&'static str] {
    use Lang::*;
    use Topic::*;
    match (lang, topic) {
        (En | Fil, PrePurchase) => &[
            "Hi! Yes, it is in stock. You can place your order now.",
            "Hello, size M is available. Thank you for asking!",
            "Yes it is 100% original with 1 year warranty.",
            "Buy 3 and you get 10% off at checkout.",
            "Delivery takes 2-4 working days.",
        ],
        (Ms, PrePurchase) => &[
            "Hai! Ya, stok masih ada. Boleh terus order ye.",
            "Saiz L ada lagi. Terima kasih!",
            "Ya, original dengan waranti 1 tahun.",
            "Beli 2 dapat diskaun 5% ye.",
            "Penghantaran 2-4 hari bekerja.",
        ],
        (Id, PrePurchase) => &[
            "Halo kak, ready stok ya. Silakan diorder.",
            "Ukuran M ready kak. Terima kasih!",
            "Original kak, garansi 1 tahun.",
        ],
        (En | Fil, Logistics) => &[
            "Sorry for the wait! Your order will be shipped today.",
            "We have checked, your parcel is with the courier and should arrive in 2 days.",
            "Address updated. Thank you!",
        ],
        (Ms, Logistics) => &[
            "Maaf lambat! Order akan dipos hari ini.",
            "Kami dah check, parcel dengan kurier dan akan sampai dalam 2 hari.",
            "Alamat dah dikemaskini. Terima kasih!",
        ],
        (Id, Logistics) => &[
            "Mohon maaf kak, pesanan dikirim hari ini.",
            "Paket sudah di kurir kak, estimasi 2 hari sampai.",
        ],
        (En | Fil, AfterSales) => &[
            "So sorry about that! Please send us a photo and we will arrange a replacement.",
            "Please submit a return request in the app, we will approve it.",
            "We will send the missing item today. Sorry for the trouble!",
        ],
        (Ms, AfterSales) => &[
            "Maaf sangat! Boleh hantar gambar, kami akan ganti baru.",
            "Sila buat permohonan return dalam app, kami akan luluskan.",
            "Kami akan pos barang yang tertinggal hari ini. Maaf ye!",
        ],
        (Id, AfterSales) => &[
            "Mohon maaf kak! Kirim foto ya, kami ganti baru.",
            "Silakan ajukan retur di aplikasi kak.",
        ],
    }
}

pub fn thanks(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::En => &[
            "Thank you!",
            "Ok thanks",
            "Great, thanks a lot 👍",
            "Noted, thanks",
        ],
        Lang::Ms => &["Terima kasih!", "Ok tq", "Baik, terima kasih 🙏", "Tq boss"],
        Lang::Fil => &["Salamat po!", "Ok po, thank you", "Sige po salamat 😊"],
        Lang::Id => &["Terima kasih kak!", "Ok kak makasih", "Siap kak 🙏"],
    }
}

pub fn auto_reply(lang: Lang) -> &'static str {
    match lang {
        Lang::Ms => "Terima kasih kerana menghubungi kami! Kami akan membalas secepat mungkin.",
        Lang::Id => "Terima kasih telah menghubungi kami! Kami akan segera membalas.",
        _ => "Thanks for your message! Our team will reply as soon as possible.",
    }
}

pub fn away_reply(lang: Lang) -> &'static str {
    match lang {
        Lang::Ms => "Kedai sedang bercuti. Kami akan membalas selepas cuti. Terima kasih!",
        Lang::Id => "Toko sedang libur. Kami akan membalas setelah libur. Terima kasih!",
        _ => "We are on holiday and will reply when we are back. Thank you!",
    }
}

pub fn bot_answer(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Ms => &[
            "Pesanan biasanya dipos dalam 24 jam.",
            "Anda boleh semak status pesanan di 'Pesanan Saya'.",
        ],
        Lang::Id => &["Pesanan biasanya dikirim dalam 24 jam."],
        _ => &[
            "Orders are usually shipped within 24 hours.",
            "You can track your order under 'My Orders'.",
            "Returns are accepted within 7 days of delivery.",
        ],
    }
}

pub fn broadcast(lang: Lang) -> &'static [&'static str] {
    match lang {
        Lang::Ms => &[
            "🎉 Jualan 11.11! Diskaun sehingga 50% untuk semua barang. Jangan lepaskan!",
            "Baucar RM5 untuk pelanggan setia, guna sebelum Ahad!",
        ],
        Lang::Fil => &["🎉 Payday Sale! Up to 50% off ngayong weekend lang!"],
        Lang::Id => &["🎉 Promo gajian! Diskon sampai 50% khusus minggu ini!"],
        Lang::En => &[
            "🎉 Mega Sale this weekend! Up to 50% off storewide.",
            "Thank you for being our customer! Here is a voucher for your next order.",
            "New arrivals are in! Check out our latest collection.",
        ],
    }
}

pub fn system_notice(platform: Platform) -> &'static [&'static str] {
    match platform {
        Platform::Tiktok => &[
            "The buyer has placed an order.",
            "This conversation is protected by TikTok Shop. Do not share personal contact details.",
        ],
        Platform::Shopee => &[
            "Your order has been shipped.",
            "Beware of scams: Shopee will never ask you to pay outside the app.",
        ],
        Platform::Lazada => &[
            "Order status updated: delivered.",
            "Lazada reminder: keep all transactions on Lazada.",
        ],
    }
}

pub const EMOTICONS: &[&str] = &[
    "[smile]",
    "[thumbsup]",
    "[heart]",
    "[laugh]",
    "[cry]",
    "[wow]",
];

pub fn first_names(region: Region) -> &'static [&'static str] {
    match region {
        Region::MY | Region::SG => &[
            "Nur Aisyah",
            "Muhammad Hafiz",
            "Siti Nurhaliza",
            "Ahmad Faiz",
            "Tan Mei Ling",
            "Lim Wei Jie",
            "Priya",
            "Kavitha",
            "Nurul Izzah",
            "Amirul",
            "Chong Kar Wai",
            "Farah",
            "Aiman",
            "Rajesh",
            "Wong Li Ting",
        ],
        Region::PH => &[
            "Maria Clara",
            "Juan",
            "Angelica",
            "Mark Anthony",
            "Kristine",
            "Jose",
            "Princess",
            "John Paul",
            "Rowena",
            "Jericho",
        ],
        Region::ID => &[
            "Dewi", "Budi", "Siti", "Agus", "Rina", "Putri", "Andi", "Wahyu", "Intan",
        ],
        Region::TH => &["Somchai", "Nattaya", "Pim", "Anan", "Kanya", "Niran"],
        Region::VN => &[
            "Nguyen Thi Lan",
            "Tran Van Minh",
            "Le Thu Ha",
            "Pham Duc Anh",
        ],
        Region::US => &["Emily", "Jacob", "Olivia", "Michael", "Sophia", "Daniel"],
    }
}

pub fn last_names(region: Region) -> &'static [&'static str] {
    match region {
        Region::MY | Region::SG => &["", "", "binti Ismail", "bin Razak", "", "a/p Muthu"],
        Region::PH => &["Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza"],
        Region::ID => &["", "Santoso", "Wijaya", "Saputra", "Lestari"],
        Region::US => &["Smith", "Johnson", "Brown", "Garcia", "Miller"],
        _ => &[""],
    }
}

pub fn shop_words(region: Region) -> (&'static [&'static str], &'static [&'static str]) {
    let a: &'static [&'static str] = match region {
        Region::MY => &["Kedai", "Butik", "Gerai", "Mega"],
        Region::PH => &["Tindahan ni", "Pinoy", "Manila", "Suki"],
        Region::ID => &["Toko", "Grosir", "Serba"],
        _ => &["Happy", "Daily", "Urban", "Lucky"],
    };
    let b: &'static [&'static str] = &[
        "Fesyen",
        "Gadget Hub",
        "Home Living",
        "Beauty Corner",
        "Baby Store",
        "Sports",
        "Tudung Collection",
        "Phone Case",
        "Kitchenware",
        "Snacks",
    ];
    (a, b)
}

pub fn zone(region: Region) -> &'static str {
    match region {
        Region::US => "America/Los_Angeles",
        Region::MY => "Asia/Kuala_Lumpur",
        Region::PH => "Asia/Manila",
        Region::ID => "Asia/Jakarta",
        Region::TH => "Asia/Bangkok",
        Region::VN => "Asia/Ho_Chi_Minh",
        Region::SG => "Asia/Singapore",
    }
}

pub fn currency(region: Region) -> (&'static str, f64) {
    match region {
        Region::US => ("USD", 1.0),
        Region::MY => ("MYR", 4.5),
        Region::PH => ("PHP", 56.0),
        Region::ID => ("IDR", 15500.0),
        Region::TH => ("THB", 35.0),
        Region::VN => ("VND", 24000.0),
        Region::SG => ("SGD", 1.35),
    }
}
