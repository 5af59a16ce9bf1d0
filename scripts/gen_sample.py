#!/usr/bin/env python3
"""Generate samples/sample-events.jsonl, Kedai's sample event log.

The file is a made-up but realistic 30-day chat history, ending at
2026-07-20T12:00:00+08:00, for three shops, one per platform:

  tt-my  TikTok Shop Malaysia   "Kedai Batik TikTok"   (batik wear)
  sp-ph  Shopee Philippines     "Manila Gadgets"       (Mall shop, phone gadgets)
  lz-my  Lazada Malaysia        "Rumah Hijab Lazada"   (hijabs and shawls)

It uses only the line types and fields of shared/docs/event-log.md and is meant to
exercise the reply clock of shared/docs/response-rules.md: buyer questions in
English, Malay and Taglish with follow-ups while they wait, agent replies at
realistic delays (some late, some never), auto / bot / system / broadcast
messages, FAQ prompts, platform-handled tickets, holiday mode, weekend coverage,
operating hours, a blocked and a banned buyer, marks, ratings, orders, and a few
conversations still open (overdue, due soon, fresh) at the end instant.

Standard library only, fixed random seed, no network: the output is the same on
every run. Every line is checked against the documented format before the file
is written (the script exits non-zero if a check fails).

Run from the repository root:

    python3 scripts/gen_sample.py            # writes samples/sample-events.jsonl
    python3 scripts/gen_sample.py --out F    # writes F instead
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

SEED = 20260720
# Both shop zones have been a fixed UTC+08:00 without daylight saving for decades,
# so a fixed offset keeps the script independent of the host's tz database.
TZ_OFFSET_HOURS = {"Asia/Kuala_Lumpur": 8, "Asia/Manila": 8}
TZ8 = timezone(timedelta(hours=8))
END = datetime(2026, 7, 20, 12, 0, 0, tzinfo=TZ8)
START = END - timedelta(days=30)

MIN = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
DAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def at(s: str) -> datetime:
    """Local (+08:00) instant from 'YYYY-MM-DD HH:MM'."""
    return datetime.strptime(s, "%Y-%m-%d %H:%M").replace(tzinfo=TZ8)


def hm(s: str) -> int:
    h, m = s.split(":")
    return int(h) * 60 + int(m)


# --------------------------------------------------------------------------------------
# Shops
# --------------------------------------------------------------------------------------

WEEKDAYS_9_21 = {d: [("09:00", "21:00")] for d in ("mon", "tue", "wed", "thu", "fri")}

SHOPS = {
    "tt-my": dict(
        platform="tiktok", region="MY", tz="Asia/Kuala_Lumpur", name="Kedai Batik TikTok",
        currency="MYR", family="batik", langs=[("ms", 0.55), ("en", 0.45)],
        agents=[("aina", 0.45), ("hafiz", 0.35), ("mei", 0.20)],
        chat_buyers=116, walkin_orders=30,
        hours=[(at("2026-05-04 00:00"), {**WEEKDAYS_9_21, "sat": [("10:00", "16:00")]})],
        holidays=[],
        coverage=[(at("2026-06-26 21:00"), at("2026-06-29 09:00")),
                  (at("2026-07-10 21:00"), at("2026-07-13 09:00"))],
        reply=dict(median=7.0, sigma=1.1, busy=0.12, never=0.03, late=0.03, owner=0.40, weekend=0.45),
        welcome=0.85, offwork=0.9,
    ),
    "sp-ph": dict(
        platform="shopee", region="PH", tz="Asia/Manila", name="Manila Gadgets", mall=True,
        currency="PHP", family="gadgets", langs=[("tl", 0.6), ("en", 0.4)],
        agents=[("carlo", 0.45), ("joy", 0.35), ("paolo", 0.20)],
        chat_buyers=108, walkin_orders=38,
        hours=[(at("2026-05-04 00:00"), {**WEEKDAYS_9_21, "sat": [("09:00", "21:00")],
                                          "sun": [("10:00", "18:00")]})],
        holidays=[(at("2026-07-03 18:00"), at("2026-07-05 18:00"))],
        coverage=[],
        reply=dict(median=9.0, sigma=1.1, busy=0.10, never=0.015, late=0.02, owner=0.5, weekend=0.0),
        welcome=0.35, offwork=0.95,
    ),
    "lz-my": dict(
        platform="lazada", region="MY", tz="Asia/Kuala_Lumpur", name="Rumah Hijab Lazada",
        currency="MYR", family="hijab", langs=[("ms", 0.65), ("en", 0.35)],
        agents=[("ben", 0.40), ("siti", 0.40), ("farah", 0.20)],
        chat_buyers=112, walkin_orders=30,
        hours=[
            (at("2026-05-04 00:00"),
             {d: [("09:00", "13:00"), ("14:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")}),
            (at("2026-07-06 00:00"),
             {**{d: [("09:00", "13:00"), ("14:00", "21:00")] for d in ("mon", "tue", "wed", "thu", "fri")},
              "sat": [("09:00", "13:00")]}),
        ],
        holidays=[],
        coverage=[],
        reply=dict(median=5.0, sigma=1.0, busy=0.10, never=0.04, late=0.035, owner=0.30, weekend=0.30),
        welcome=0.8, offwork=0.9,
    ),
}

# An extra state holiday for the Lazada shop (the shop ships from Penang).
PUBLIC_HOLIDAYS = [("lz-my", "2026-07-07", "George Town World Heritage City Day (Penang)")]

# --------------------------------------------------------------------------------------
# Flavour: products, places, phrase banks
# --------------------------------------------------------------------------------------

PRODUCTS = {
    "batik": [
        ("Kemeja Batik Lelaki Lengan Panjang Motif Sarawak", 79.90),
        ("Baju Kurung Batik Moden Cotton", 129.00),
        ("Kain Sarung Batik Terengganu", 35.90),
        ("Scarf Batik Sutera Lukis Tangan", 59.00),
        ("Kemeja Batik Budak Sedondon", 39.90),
        ("Dress Batik Muslimah Plus Size", 99.00),
    ],
    "gadgets": [
        ("TWS Earbuds Pro 5 ANC Bluetooth 5.3", 899.00),
        ("20000mAh PD 22.5W Power Bank", 1099.00),
        ("33W GaN Type-C Fast Charger", 399.00),
        ("Smart Watch S8 Ultra 1.96in", 1499.00),
        ("Bluetooth Selfie Stick Tripod", 349.00),
        ("USB-C to Lightning Cable 1m (MFi)", 199.00),
        ("Magnetic Wireless Car Mount 15W", 649.00),
    ],
    "hijab": [
        ("Bawal Cotton Voile Bidang 45", 19.90),
        ("Shawl Chiffon Premium Ironless", 25.90),
        ("Tudung Sarung Instant Awning", 35.00),
        ("Inner Neck Anak Tudung (3 pcs)", 15.90),
        ("Telekung Travel Cotton Rayon", 69.00),
        ("Pashmina Jersey Lycra", 22.90),
    ],
}
COLOURS = {
    "batik": [("biru", "blue"), ("merah maroon", "maroon"), ("hijau emerald", "emerald green"),
              ("hitam", "black"), ("kuning mustard", "mustard")],
    "gadgets": [("hitam", "black"), ("putih", "white"), ("biru", "navy blue"), ("pink", "pink")],
    "hijab": [("dusty pink", "dusty pink"), ("nude", "nude"), ("navy", "navy"), ("olive", "olive"),
              ("hitam", "black"), ("putih broken white", "broken white")],
}
SIZES = {"batik": ["S", "M", "L", "XL", "2XL", "3XL"], "gadgets": ["-"], "hijab": ["S", "M", "L"]}
CITIES = {
    "MY": ["Johor Bahru", "Kota Kinabalu", "Kuching", "Ipoh", "Shah Alam", "Kota Bharu",
           "Alor Setar", "Seremban", "Kuantan", "Melaka"],
    "PH": ["Cebu", "Davao", "Quezon City", "Iloilo", "Cagayan de Oro", "Baguio", "Pasig",
           "Bacolod", "Zamboanga", "Antipolo"],
}
COURIERS = {"tt-my": ["J&T Express", "Ninja Van", "Pos Laju"],
            "sp-ph": ["SPX Express", "J&T Express", "Flash Express"],
            "lz-my": ["LEX MY", "Ninja Van", "Pos Laju"]}

# Pre-sale: (question, answer) pairs, per product family and language.
PRESALE = {
    ("batik", "ms"): [
        ("Salam, ada stok lagi?", "Waalaikumussalam, ada stok lagi ya 😊"),
        ("Yang ni ready stock ke?", "Ya ready stock, pos dari Kuala Terengganu."),
        ("Saiz {size} ada?", "Saiz {size} ada lagi ya."),
        ("Warna {colour_ms} ada lagi?", "Warna {colour_ms} tinggal sikit je, boleh terus checkout 😊"),
        ("Boleh COD tak?", "Boleh COD ya, pilih COD masa checkout."),
        ("Berapa hari nak sampai {city}?", "Biasanya 2-4 hari bekerja ke {city}."),
        ("Kalau beli 2 ada diskaun tak?", "Beli 2 boleh claim voucher RM5 kat shop page ya."),
        ("Kain dia panas tak?", "Kain cotton premium, sejuk dan tak panas 👍"),
        ("Chest saiz L berapa inci ya?", "Saiz L chest 42 inci, panjang 30 inci. Size chart ada kat gambar ke-3 ya."),
        ("Kalau order sekarang boleh pos hari ni?", "Order sebelum 3pm kami pos hari yang sama ya."),
        ("Ada saiz budak tak? Nak sedondon", "Ada, saiz budak 2-12 tahun dalam listing Kemeja Batik Budak Sedondon 😊"),
        ("Harga ni dah termasuk pos?", "Harga belum termasuk pos, tapi ada voucher free shipping min. RM30."),
    ],
    ("batik", "en"): [
        ("Hi, is this still available?", "Hi! Yes, still available 😊"),
        ("Do you have size {size}?", "Yes, size {size} is available."),
        ("Is {colour_en} in stock?", "Yes, {colour_en} is in stock, only a few left!"),
        ("Can COD?", "Yes, COD is available at checkout."),
        ("How many days to {city}?", "Usually 2-4 working days to {city}."),
        ("What's the chest measurement for size L?", "Size L is 42 inch chest, 30 inch length. Size chart is in the 3rd photo."),
        ("Is the fabric thick?", "It's premium cotton, medium thickness, not see-through."),
        ("Any discount if I buy 2?", "Buy 2 and claim the RM5 voucher on our shop page 😊"),
        ("Can I wash it in the machine?", "Yes, gentle cycle, cold water, and dry in the shade so the colour stays."),
        ("If I order now can you ship today?", "Orders before 3pm are shipped the same day."),
    ],
    ("gadgets", "en"): [
        ("Hi, is this available?", "Hi! Yes, available and ready to ship 😊"),
        ("Is this original?", "Yes, 100% original with official warranty."),
        ("How long is the warranty?", "1 year warranty, just keep the box and the receipt."),
        ("Is it compatible with iPhone 15?", "Yes, it works with iPhone 15 via USB-C."),
        ("Does it support fast charging?", "Yes, it supports PD 20W fast charging."),
        ("How many days to {city}?", "2-5 days to {city}, we ship within 24 hours."),
        ("Do you have {colour_en}?", "Yes, {colour_en} is available."),
        ("Can COD?", "Yes, COD is available."),
        ("How long is the battery life?", "Around 6 hours per charge, 30 hours with the case."),
        ("Can I use this for my laptop?", "It can charge laptops up to 30W, so most ultrabooks yes, gaming laptops no."),
    ],
    ("gadgets", "tl"): [
        ("Hi po, available pa po ba ito?", "Hi po! Available pa po 😊"),
        ("Original po ba?", "Yes po, 100% original with official warranty."),
        ("May warranty po ba?", "Meron po, 1 year warranty. Keep lang po yung box."),
        ("Pwede po COD?", "Pwede po COD 👍"),
        ("Ilang days po bago dumating sa {city}?", "2-5 days po sa {city}, ship out within 24 hrs."),
        ("Meron po bang {colour_en}?", "Meron po {colour_en}!"),
        ("Compatible po ba sa Samsung A54?", "Yes po, compatible po sa Samsung A54."),
        ("Last price na po ba?", "Fixed price na po, pero may ₱50 voucher po sa shop page 😊"),
        ("Pag nag-order po ako ngayon, ma-ship po ba today?", "Yes po, orders before 2PM ship same day."),
        ("Kasama na po ba yung charger?", "Cable lang po kasama, separate po yung charger."),
        ("Sir/ma'am pwede po bang 2 colors sa isang order?", "Pwede po, piliin lang po yung variation per item."),
    ],
    ("hijab", "ms"): [
        ("Salam sis, ada stok lagi?", "Waalaikumussalam, ada lagi sis 😊"),
        ("Warna {colour_ms} ada?", "Warna {colour_ms} ada, ready stock."),
        ("Bidang 45 ke 50?", "Yang ni bidang 45 ya sis. Bidang 50 ada variation lain."),
        ("Kain ni jarang tak?", "Tak jarang sis, kain tebal sikit dan selesa."),
        ("Tak payah gosok kan?", "Ya, ironless, tak perlu gosok 👍"),
        ("Boleh COD tak?", "Boleh COD ya sis."),
        ("Berapa hari sampai {city}?", "2-3 hari bekerja ke {city} sis."),
        ("Beli 3 ada murah sikit?", "Beli 3 dapat free shipping + voucher RM3 ya sis."),
        ("Warna {colour_ms} sama macam gambar?", "Sama sis, gambar real, mungkin beza sikit ikut skrin."),
        ("Saiz {size} muat untuk pipi tembam tak? 😅", "Muat sis, saiz {size} ada awning, selesa untuk muka bulat 😊"),
    ],
    ("hijab", "en"): [
        ("Hi, still have stock?", "Hi! Yes, still available 😊"),
        ("Is {colour_en} available?", "Yes, {colour_en} is ready stock."),
        ("Is this 45 or 50 inch?", "This one is 45 inch. The 50 inch is a separate variation."),
        ("Is the material see-through?", "Not see-through, the fabric is on the thicker side."),
        ("Can COD?", "Yes, COD available."),
        ("How long to {city}?", "About 2-3 working days to {city}."),
        ("Is it ironless?", "Yes, ironless, no need to iron 👍"),
    ],
}

GREETINGS = {"ms": ["Hi", "Salam", "Assalamualaikum", "Hai sis", "Helo"],
             "en": ["Hi", "Hello", "Hi seller", "Good evening"],
             "tl": ["Hi po", "Hello po", "Good day po", "Hi seller"]}

# Logistics: (question, possible answers), per language.
_TRACK = {"ms": "Parcel dah dengan {courier}, tracking {tracking}. Dijangka sampai 1-2 hari lagi ya.",
          "en": "Your parcel is with {courier}, tracking {tracking}. It should reach you in 1-2 days.",
          "tl": "Na-ship na po via {courier}, tracking {tracking}. 1-2 days na lang po."}
_BACKLOG = {"ms": "Maaf lambat, courier ada backlog lepas sale. Kami dah buka tiket dengan {courier}.",
            "en": "Sorry for the delay, there's a courier backlog after the sale. We've raised a ticket with {courier}.",
            "tl": "Sorry po sa delay, may backlog po ang {courier} after sale. Nag-file na po kami ng ticket."}
LOGISTICS = {
    "ms": [("Parcel saya kat mana ya?", [_TRACK["ms"]]),
           ("Order saya tak sampai lagi", [_TRACK["ms"], _BACKLOG["ms"]]),
           ("Tracking tak update dah 3 hari", [_BACKLOG["ms"]]),
           ("Bila nak pos order saya?", ["Order dah pos guna {courier}, tracking {tracking}. Boleh semak dalam app ya."]),
           ("Boleh tukar alamat tak? Saya salah tulis poskod",
            ["Alamat dah kami kemas kini dengan {courier}, terima kasih maklumkan awal 👍"]),
           ("Dah seminggu order, belum dapat lagi 😞", [_BACKLOG["ms"]])],
    "en": [("Hi, where is my parcel?", [_TRACK["en"]]),
           ("My order still not received", [_TRACK["en"], _BACKLOG["en"]]),
           ("Tracking not updating for 3 days already", [_BACKLOG["en"]]),
           ("When will you ship my order?", ["It has been shipped via {courier}, tracking {tracking}. You can follow it in the app."]),
           ("Can I change my delivery address? Wrong postcode",
            ["We've updated the address with {courier}, thanks for telling us early 👍"]),
           ("It's been a week, still haven't received my order", [_BACKLOG["en"]])],
    "tl": [("Nasaan na po yung order ko?", [_TRACK["tl"]]),
           ("Hindi pa po dumadating yung parcel ko", [_TRACK["tl"], _BACKLOG["tl"]]),
           ("Di po nag-uupdate yung tracking 3 days na", [_BACKLOG["tl"]]),
           ("Kailan po ishi-ship yung order ko?", ["Na-ship na po via {courier}, tracking: {tracking}. Makikita po sa app."]),
           ("Pwede po ba palitan yung address? Mali po yung barangay",
            ["Na-update na po namin yung address sa {courier} 👍"]),
           ("Isang linggo na po, wala pa rin 😞", [_BACKLOG["tl"]])],
}
LOGISTICS_ACK = {"ms": ["Hai, kejap ya saya check 🙏", "Baik, saya semak dulu ya"],
                 "en": ["Hi, let me check for you, one moment 🙏", "Sure, checking now"],
                 "tl": ["Hi po, check ko lang po saglit 🙏", "Sige po, i-check ko po"]}
LOGISTICS_R2 = {
    "ms": [("Tapi dah lama sangat ni", "Faham sis 🙏 Kami dah escalate, kalau esok tak sampai kami hantar baru."),
           ("Boleh minta courier hantar esok?", "Kami dah request, tapi jadual hantar ikut courier ya."),
           ("Kalau tak sampai boleh refund?", "Boleh, kalau status jadi 'lost' kami full refund.")],
    "en": [("But it's been so long already", "Totally understand 🙏 We've escalated it; if it's not there tomorrow we'll resend."),
           ("Can you ask them to deliver tomorrow?", "We've requested it, but the courier sets the route."),
           ("If it doesn't arrive can I get a refund?", "Yes, if the parcel is marked lost we give a full refund.")],
    "tl": [("Pero ang tagal na po", "Sorry po talaga 🙏 Na-escalate na po, pag wala pa bukas, papadalhan po namin ulit."),
           ("Pwede po bang bukas ma-deliver?", "Ni-request na po namin, pero depende po sa rider."),
           ("Pag hindi dumating, refund po ba?", "Opo, pag na-tag as lost, full refund po.")],
}
AFTERSALES_Q = {
    ("batik", "ms"): ["Saya dapat warna salah, order biru dapat hitam", "Baju sampai ada koyak kat lengan",
                      "Saiz kecik, boleh tukar saiz besar?", "Macam mana nak refund?",
                      "Order 2 helai dapat 1 je"],
    ("batik", "en"): ["I received the wrong colour, ordered blue got black", "The shirt arrived torn at the sleeve",
                      "Size too small, can I exchange?", "How do I request a refund?",
                      "Ordered 2 pieces but only got 1"],
    ("gadgets", "en"): ["The earbuds won't charge", "Left earbud has no sound", "Power bank arrived with a cracked case",
                        "I received the wrong item, ordered black got white", "How do I request a refund?"],
    ("gadgets", "tl"): ["Ayaw po mag-charge ng earbuds", "Walang sound po yung left earbud",
                        "Basag po yung case ng power bank pagdating", "Mali po yung kulay na dumating",
                        "Pa-refund po, sira yung item", "Kulang po yung item sa parcel"],
    ("hijab", "ms"): ["Warna yang sampai lain dari gambar", "Tudung ada kesan kotor", "Jahitan tepi terburai",
                      "Saya dapat saiz S, order M", "Nak return boleh?", "Inner kurang satu, order 3 dapat 2"],
    ("hijab", "en"): ["The colour I received is different from the photo", "There's a stain on the shawl",
                      "The stitching is coming off", "I got size S but ordered M", "Can I return this?"],
}
AFTERSALES_ASK = {"ms": ["Minta maaf sangat 🙏 Boleh hantar gambar atau video unboxing?"],
                  "en": ["So sorry about that! Could you send a photo or the unboxing video? 🙏"],
                  "tl": ["Sorry po! Pa-send po ng picture or unboxing video 🙏"]}
AFTERSALES_FIX = {
    "ms": ["Terima kasih. Boleh buat request return/refund dalam app, kami approve hari ni.",
           "Kami hantar ganti baru ya, tak perlu pulangkan barang 🙏",
           "Kami dah refund penuh, masuk dalam 3-5 hari bekerja ya."],
    "en": ["Thanks. Please submit a return/refund request in the app and we'll approve it today.",
           "We'll send a replacement, no need to return the item 🙏",
           "We've issued a full refund, it should reach you in 3-5 working days."],
    "tl": ["Salamat po. Pa-file na lang po ng return/refund sa app, i-approve po namin agad.",
           "Papalitan po namin, no need na pong ibalik 🙏",
           "Na-refund na po namin, 3-5 banking days po bago pumasok."],
}
AFTERSALES_R3 = {"ms": ["Ok, berapa lama nak dapat ganti?", "Kena pos balik ke?"],
                 "en": ["Ok, how long for the replacement?", "Do I need to send it back?"],
                 "tl": ["Ok po, gaano po katagal yung replacement?", "Ibabalik ko pa po ba?"]}
AFTERSALES_R3_A = {"ms": ["Kami pos esok, 2-4 hari sampai ya.", "Tak perlu pos balik, simpan je 😊"],
                   "en": ["We ship it tomorrow, 2-4 days to arrive.", "No need to send it back, keep it 😊"],
                   "tl": ["Ship po namin bukas, 2-4 days po.", "Hindi na po, sa inyo na po 😊"]}

GREETING_WORDS = ("Hi", "Hello", "Salam", "Hai", "Helo")

PINGS = {"ms": ["hello?", "helo boss", "sis?", "ada orang tak?", "tolong reply", "??", "halo"],
         "en": ["hello?", "anyone there?", "hello seller", "??", "pls reply", "hi, any update?"],
         "tl": ["hello po?", "anyone po?", "seller?", "paki-reply po 🙏", "??", "hi po, update po?"]}
CLOSERS = {"ms": ["ok terima kasih", "tq sis", "baik, terima kasih 🙏", "ok noted", "tqvm"],
           "en": ["ok thanks", "Thank you!", "ok noted", "great, thanks", "thanks a lot"],
           "tl": ["salamat po", "ok po thank you", "noted po", "thank you po! 😊", "sige po salamat"]}
AGENT_CLOSERS = {"ms": ["Sama-sama 😊", "Terima kasih sudi membeli, jangan lupa follow kedai kami 🌸"],
                 "en": ["You're welcome! 😊", "Thank you for shopping with us!"],
                 "tl": ["Walang anuman po! 😊", "Salamat din po sa pag-order! 💙"]}
AGENT_HELLO = {"ms": ["Hai, ada apa boleh saya bantu? 😊"], "en": ["Hi! How can I help you? 😊"],
               "tl": ["Hi po! Paano po kami makakatulong? 😊"]}
EMOJIS = ["👍", "🙏", "😊", "🙏🙏", "❤️", "😅", "👌"]

SPAM = {
    "tt-my": ["Hi boss, want more sales? We boost TikTok Live viewers, 10k followers only RM99. WhatsApp wa.me/60111234567",
              "Promo iklan murah! Naikkan ranking kedai anda dalam 3 hari. Klik link bit.ly/naik-ranking",
              "Congratulations! Your shop is selected for a free verification badge. Click here: verify-shop.example"],
    "sp-ph": ["Hello po! Earn ₱500-₱2,000 daily just by liking products. Message me on Telegram @easyjobs_ph",
              "Congratulations! Your shop is selected for a free verification badge. Click here: verify-shop.example"],
    "lz-my": ["Promo iklan murah! Naikkan ranking kedai anda dalam 3 hari. Klik link bit.ly/naik-ranking",
              "Kerja part time dari rumah, gaji RM300 sehari. WhatsApp wa.me/60139876543"],
}

AUTO_TEXT = {
    "tt-my": {
        "welcome": "Hai! Terima kasih kerana menghubungi Kedai Batik 🌸 Kami akan balas secepat mungkin. / Thanks for reaching out, we'll reply shortly.",
        "offwork": "Kami offline sekarang (Isnin-Jumaat 9am-9pm, Sabtu 10am-4pm). Mesej anda akan dibalas pada waktu bekerja. / We're offline now and will reply during working hours.",
    },
    "sp-ph": {
        "welcome": "Hi! Thanks for messaging Manila Gadgets 📱 Official warranty on all items. How can we help?",
        "offwork": "Hi po! Our CS hours are Mon-Sat 9AM-9PM and Sun 10AM-6PM. We'll reply as soon as we're back. Salamat!",
        "holiday": "Hi po! Manila Gadgets is on a short break until Sunday, July 5, 6PM. Orders and chats will be handled when we're back. Salamat po!",
    },
    "lz-my": {
        "welcome": "Assalamualaikum & hi! Selamat datang ke Rumah Hijab 🧕 Team kami akan balas sebentar lagi.",
        "offwork": "Hai sis, kami sudah offline. Mesej akan dibalas pada waktu bekerja ya. Terima kasih 🌷",
    },
}
BOT_TEXT = {
    "presale": "🤖 Hi! I'm Kedai Batik's assistant. Stock shown on the product page is live, and the size chart is in the product photos. Our team will follow up on Monday.",
    "logistics": "🤖 You can track your parcel under Me > Orders > Track. Most orders arrive in 2-4 working days.",
    "aftersales": "🤖 For returns or refunds, tap 'Return/Refund' on the order page. Our team reviews requests within 48 hours.",
}
FAQ = {
    "tt-my": [("How long does delivery take?", "🤖 Orders ship within 24 hours and arrive in 2-4 working days (Sabah/Sarawak 4-7 days)."),
              ("Is COD available?", "🤖 Yes, COD is available for orders below RM300."),
              ("Where can I find the size chart?", "🤖 The size chart is the 3rd photo of every product."),
              ("Can I change my address?", "🤖 You can change the address before the order is shipped under Me > Orders.")],
    "sp-ph": [("Is this item original?", "🤖 All Manila Gadgets items are 100% original with official warranty."),
              ("How long is the warranty?", "🤖 1 year warranty for electronics, 6 months for cables and accessories."),
              ("When will my order ship?", "🤖 Orders placed before 2PM ship the same day (Mon-Sat)."),
              ("Do you ship to Mindanao?", "🤖 Yes, we ship nationwide. Mindanao takes 4-7 days.")],
}
FAQ_AGENT_TEXT = "Chat with shop agent"
SYSTEM_SHIPPED = {"tt-my": "Order {order} has been shipped via {courier}.",
                  "sp-ph": "[Order update] Order {order} has been shipped via {courier}.",
                  "lz-my": "Order {order} status updated: shipped ({courier})."}
SYSTEM_COINS = "Shopee Coins: the buyer earned {coins} coins from order {order}."
SYSTEM_DELIVERED = {"tt-my": "Order {order} has been delivered.",
                    "sp-ph": "[Order update] Order {order} has been delivered. Remind the buyer to tap 'Order Received'.",
                    "lz-my": "Order {order} status updated: delivered."}

BROADCASTS = {
    "tt-my": (at("2026-07-06 20:00"),
              "🌸 JUALAN 7.7 Kedai Batik! Diskaun sehingga 40% + free shipping seluruh Malaysia. Tamat 7 Julai 11:59PM. Jom shopping 👉"),
    "sp-ph": (at("2026-07-14 19:00"),
              "💙 7.15 PAYDAY SALE at Manila Gadgets! Up to 50% off earbuds & power banks + ₱100 shop voucher. Tomorrow only, 12AM-11:59PM!"),
}
BROADCAST_REPLIES = {
  "tt-my": {
    "ms": [("Yang biru saiz M ada lagi?", "Ada lagi, cepat checkout sebelum habis 😊"),
           ("Voucher tak boleh guna la", "Voucher min. RM50 ya, cuba tambah satu lagi item 😊"),
           ("Free shipping ke Sabah sekali?", "Ya, free shipping termasuk Sabah & Sarawak."),
           ("nak order 3 helai", "Boleh, terus checkout ya, diskaun auto masuk 👍")],
    "en": [("Is the blue one in M still available?", "Yes, still available, grab it before it's gone 😊"),
           ("The voucher doesn't work", "The voucher needs a minimum spend, try adding one more item 😊"),
           ("Free shipping to Sabah too?", "Yes, free shipping covers Sabah & Sarawak.")],
  },
  "sp-ph": {
    "en": [("Are the earbuds included in the sale?", "Yes! Up to 50% off on earbuds tomorrow."),
           ("How do I use the voucher?", "Claim it on our shop page and it applies at checkout."),
           ("Will the power bank be restocked?", "Yes, restocked tonight for the sale 😊")],
    "tl": [("Kasama po ba yung earbuds sa sale?", "Yes po! Up to 50% off po ang earbuds bukas."),
           ("Pano po gamitin yung voucher?", "I-claim lang po sa shop page then auto-apply po sa checkout."),
           ("Anong oras po start?", "12AM po bukas, July 15 😊"),
           ("Meron pa po bang stock ng power bank?", "Meron pa po, pero limited lang po sa sale.")],
  },
}


# --------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------

class Buyer:
    def __init__(self, shop: str, key: int, lang: str):
        self.shop, self.key, self.lang = shop, key, lang
        self.agent: str | None = None
        self.orders: list[tuple[str, datetime, str]] = []
        self.first_msg: datetime | None = None
        self.last_msg: datetime | None = None
        self.special = False   # spam / blocked / banned: kept out of broadcasts and the end cases
        self.asked_where: dict[str, datetime] = {}   # order id -> when the buyer asked where it is


class Gen:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.events: list[tuple[datetime, int, dict]] = []
        self.seq = 0
        self.buyers: dict[str, list[Buyer]] = {s: [] for s in SHOPS}
        self.order_ids: set[str] = set()
        self.starred: list[tuple[str, Buyer, datetime]] = []

    # ---- low level ----------------------------------------------------------------

    def emit(self, when: datetime, obj: dict) -> bool:
        if when > END:
            return False
        self.seq += 1
        self.events.append((when, self.seq, obj))
        return True

    def msg(self, b: Buyer, when: datetime, frm: str, kind: str = "text", text: str | None = None,
            agent: str | None = None, faq_agent: bool | None = None, handled: bool | None = None) -> bool:
        obj = {"type": "message", "shop": b.shop, "conversation": ("conv", b.key), "id": None,
               "at": when, "from": frm, "buyer": ("buyer", b.key)}
        if kind != "text":
            obj["kind"] = kind
        if text is not None:
            obj["text"] = text
        if agent is not None:
            obj["agent"] = agent
        if faq_agent is not None:
            obj["faq_chat_with_agent"] = faq_agent
        if handled is not None:
            obj["platform_handled"] = handled
        ok = self.emit(when, obj)
        if ok and frm in ("buyer", "agent", "broadcast"):
            if b.first_msg is None or when < b.first_msg:
                b.first_msg = when
            if b.last_msg is None or when > b.last_msg:
                b.last_msg = when
        return ok

    def mark(self, b: Buyer, when: datetime, action: str, agent: str | None) -> bool:
        obj = {"type": "mark", "shop": b.shop, "conversation": ("conv", b.key), "at": when, "action": action}
        if agent:
            obj["agent"] = agent
        return self.emit(when, obj)

    def rating(self, b: Buyer, when: datetime, score: str) -> bool:
        return self.emit(when, {"type": "rating", "shop": b.shop, "conversation": ("conv", b.key),
                                "at": when, "score": score})

    def buyer_state(self, b: Buyer, when: datetime, **fields) -> bool:
        return self.emit(when, {"type": "buyer", "shop": b.shop, "buyer": ("buyer", b.key), "at": when, **fields})

    def order(self, b: Buyer, when: datetime, amount: float, status: str | None = None) -> str | None:
        if when > END:
            return None
        oid = self.order_id(b.shop, when)
        if status is None:
            age = END - when
            r = self.rng.random()
            if age < 20 * HOUR:
                status = "to_ship"
            elif age < 4 * DAY:
                status = "shipped" if r < 0.93 else "cancelled"
            else:
                status = "completed" if r < 0.9 else ("shipped" if r < 0.95 else "cancelled")
        self.emit(when, {"type": "order", "shop": b.shop, "buyer": ("buyer", b.key), "id": oid, "at": when,
                         "amount": round(amount, 2), "currency": SHOPS[b.shop]["currency"], "status": status})
        b.orders.append((oid, when, status))
        return oid

    def order_id(self, shop: str, when: datetime) -> str:
        rng = self.rng
        while True:
            if shop == "tt-my":
                oid = "5783" + "".join(rng.choice("0123456789") for _ in range(14))
            elif shop == "sp-ph":
                oid = when.strftime("%y%m%d") + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(8))
            else:
                oid = "2" + "".join(rng.choice("0123456789") for _ in range(14))
            if oid not in self.order_ids:
                self.order_ids.add(oid)
                return oid

    def tracking(self, shop: str) -> str:
        rng = self.rng
        digits = "".join(rng.choice("0123456789") for _ in range(12))
        return {"tt-my": "JT6" + digits, "sp-ph": "PH26" + digits, "lz-my": "MYLEX" + digits[:10]}[shop]

    # ---- shop calendar --------------------------------------------------------------

    def hours_at(self, shop: str, t: datetime) -> dict:
        cur = SHOPS[shop]["hours"][0][1]
        for since, hours in SHOPS[shop]["hours"]:
            if since <= t:
                cur = hours
        return cur

    def in_holiday(self, shop: str, t: datetime) -> datetime | None:
        for a, b in SHOPS[shop]["holidays"]:
            if a <= t < b:
                return b
        return None

    def in_coverage(self, shop: str, t: datetime) -> bool:
        return any(a <= t < b for a, b in SHOPS[shop]["coverage"])

    def in_hours(self, shop: str, t: datetime) -> bool:
        if self.in_holiday(shop, t):
            return False
        lt = t.astimezone(TZ8)
        if any(s == shop and d == lt.date().isoformat() for s, d, _n in PUBLIC_HOLIDAYS):
            return False   # the team takes the public holiday off
        m = lt.hour * 60 + lt.minute
        return any(hm(s) <= m < hm(e) for s, e in self.hours_at(shop, t).get(DAY_KEYS[lt.weekday()], []))

    def next_open(self, shop: str, t: datetime) -> datetime:
        """First instant at or after t inside operating hours and outside holiday mode."""
        for _ in range(40):
            if self.in_hours(shop, t):
                return t
            hol_end = self.in_holiday(shop, t)
            if hol_end:
                t = hol_end
                continue
            lt = t.astimezone(TZ8)
            m = lt.hour * 60 + lt.minute
            day0 = lt.replace(hour=0, minute=0, second=0, microsecond=0)
            found = None
            for d in range(0, 8):
                day = day0 + d * DAY
                for s, _e in self.hours_at(shop, day).get(DAY_KEYS[day.weekday()], []):
                    if d > 0 or hm(s) > m:
                        found = day + hm(s) * MIN
                        break
                if found:
                    break
            t = found
        raise RuntimeError("no opening hours found")

    # ---- timing models ----------------------------------------------------------------

    def pick(self, weighted):
        r = self.rng.random() * sum(w for _, w in weighted)
        for v, w in weighted:
            r -= w
            if r < 0:
                return v
        return weighted[-1][0]

    def secs(self, lo: float, hi: float) -> timedelta:
        return timedelta(seconds=int(self.rng.uniform(lo, hi)))

    def lognorm_min(self, median: float, sigma: float) -> timedelta:
        return timedelta(seconds=max(20, int(60 * self.rng.lognormvariate(math.log(median), sigma))))

    def reply_time(self, shop: str, t: datetime, allow_never: bool = True) -> datetime | None:
        """When an agent answers a buyer message sent at t (None: never)."""
        p = SHOPS[shop]["reply"]
        rng = self.rng
        r = rng.random()
        if allow_never and r < p["never"]:
            return None
        late = r < p["never"] + p["late"]
        lt = t.astimezone(TZ8)
        if self.in_hours(shop, t):
            rt = t + self.lognorm_min(p["median"], p["sigma"])
            if rng.random() < p["busy"]:
                rt += timedelta(minutes=rng.uniform(20, 120))
            if not self.in_hours(shop, rt) and rng.random() < 0.4:
                rt = self.next_open(shop, rt) + self.lognorm_min(20, 0.8)
        elif (not self.in_holiday(shop, t) and (lt.hour >= 21 or lt.hour < 1 or 7 <= lt.hour < 9)
              and rng.random() < p["owner"]):
            rt = t + timedelta(minutes=rng.uniform(3, 50))   # the owner checks the phone
        elif (not self.in_holiday(shop, t) and lt.weekday() >= 5 and 8 <= lt.hour < 20
              and rng.random() < p["weekend"]):
            rt = t + timedelta(minutes=rng.uniform(20, 240))  # someone looks in at the weekend
        else:
            # the backlog is cleared oldest first when the team comes in
            rt = self.next_open(shop, t) + self.lognorm_min(10, 0.8)
        if late:
            rt = rt + timedelta(hours=rng.uniform(12, 30))
            if not self.in_hours(shop, rt):
                rt = self.next_open(shop, rt) + self.lognorm_min(30, 0.8)
            rt = max(rt, t + 12 * HOUR + 10 * MIN)
        return rt

    def buyer_start(self) -> datetime:
        """A random instant in the window, weighted like real buyer traffic by local hour."""
        hour_w = [1.2, 0.7, 0.35, 0.2, 0.2, 0.3, 0.7, 1.2, 2, 3, 3.5, 3.5, 4, 3.5, 3, 3, 3, 3, 3, 3.5, 4.5, 5, 4.5, 3]
        while True:
            day = START.replace(hour=0, minute=0) + self.rng.randrange(0, 31) * DAY
            h = self.pick(list(enumerate(hour_w)))
            t = day + timedelta(hours=h, seconds=self.rng.randrange(0, 3600))
            if START <= t < END:
                return t

    # ---- content helpers --------------------------------------------------------------

    def ctx(self, b: Buyer) -> dict:
        fam = SHOPS[b.shop]["family"]
        rng = self.rng
        product, price = rng.choice(PRODUCTS[fam])
        cms, cen = rng.choice(COLOURS[fam])
        return dict(product=product, price=price, colour_ms=cms, colour_en=cen,
                    size=rng.choice(SIZES[fam]), city=rng.choice(CITIES[SHOPS[b.shop]["region"]]),
                    courier=rng.choice(COURIERS[b.shop]), tracking=self.tracking(b.shop))

    def agent_for(self, b: Buyer) -> str:
        if b.agent is None or self.rng.random() < 0.08:
            b.agent = self.pick(SHOPS[b.shop]["agents"])
        return b.agent

    def amount(self, shop: str, price: float) -> float:
        qty = self.pick([(1, 0.6), (2, 0.28), (3, 0.12)])
        ship = {"tt-my": 4.90, "sp-ph": 45.0, "lz-my": 4.90}[shop] if self.rng.random() < 0.5 else 0.0
        return round(price * qty + ship, 2)

    def presale_pool(self, b: Buyer):
        fam = SHOPS[b.shop]["family"]
        key = (fam, b.lang) if (fam, b.lang) in PRESALE else (fam, "en")
        return PRESALE[key]

    # ---- the common part of an exchange -------------------------------------------------

    def automation(self, b: Buyer, t: datetime, first_contact: bool, topic: str) -> datetime | None:
        """Auto / bot messages a buyer message at t triggers. Returns when the last one was sent."""
        shop, rng = b.shop, self.rng
        cfg = SHOPS[shop]
        lt = t.astimezone(TZ8)
        when = t + self.secs(1, 4)
        if shop == "tt-my" and lt.weekday() >= 5 and (self.in_coverage(shop, t) or rng.random() < 0.35):
            self.msg(b, when, "bot", text=BOT_TEXT[topic])
            return when
        if shop == "sp-ph" and self.in_holiday(shop, t):
            self.msg(b, when, "auto", text=AUTO_TEXT[shop]["holiday"])
            return when
        if not self.in_hours(shop, t) and rng.random() < cfg["offwork"]:
            self.msg(b, when, "auto", text=AUTO_TEXT[shop]["offwork"])
            return when
        if first_contact and rng.random() < cfg["welcome"]:
            self.msg(b, when, "auto", text=AUTO_TEXT[shop]["welcome"])
            return when
        return None

    def burst(self, b: Buyer, t: datetime, items: list[tuple[str, str | None]], handled: bool = False) -> datetime:
        """The buyer sends several messages in a row starting at t; returns the last instant."""
        last = t
        for i, (kind, text) in enumerate(items):
            if i:
                last = last + self.secs(4, 100)
            self.msg(b, last, "buyer", kind=kind, text=text, handled=True if handled else None)
        return last

    def wait_and_ping(self, b: Buyer, last_buyer: datetime, reply_at: datetime | None) -> datetime:
        """While the buyer waits, they may nudge ('hello?'). Returns the last buyer instant."""
        rng = self.rng
        horizon = reply_at if reply_at is not None else last_buyer + timedelta(hours=rng.uniform(2, 30))
        wait = horizon - last_buyer
        if wait > 25 * MIN and rng.random() < 0.5:
            n = 1 if rng.random() < 0.7 else 2
            t = last_buyer
            for _ in range(n):
                t = t + timedelta(seconds=rng.uniform(0.15, 0.5) * (horizon - t).total_seconds())
                if t >= horizon:
                    break
                kind = "sticker" if rng.random() < 0.12 else "text"
                self.msg(b, t, "buyer", kind=kind, text=None if kind == "sticker" else rng.choice(PINGS[b.lang]))
                last_buyer = t
        return last_buyer

    def agent_says(self, b: Buyer, t: datetime, texts: list[str], kinds: list[str] | None = None) -> datetime:
        agent = self.agent_for(b)
        last = t
        for i, text in enumerate(texts):
            if i:
                last = last + self.secs(20, 150)
            kind = kinds[i] if kinds else "text"
            self.msg(b, last, "agent", kind=kind, text=text, agent=agent)
        return last

    def close(self, b: Buyer, last_agent: datetime, first_delay: timedelta | None, topic: str,
              long_wait: bool = False) -> datetime:
        """Buyer thanks, the agent answers / ends the session, maybe a rating. Returns the end."""
        rng, shop = self.rng, b.shop
        end = last_agent
        agent = self.agent_for(b)
        if rng.random() < 0.55:
            t = last_agent + (self.lognorm_min(50, 1.2) if long_wait and rng.random() < 0.7
                              else self.lognorm_min(4, 1.0))
            r = rng.random()
            if r < 0.65:
                self.msg(b, t, "buyer", text=rng.choice(CLOSERS[b.lang]))
            elif r < 0.85:
                self.msg(b, t, "buyer", kind="sticker")
            else:
                self.msg(b, t, "buyer", kind="emoji", text=rng.choice(EMOJIS))
            end = t
            r = rng.random()
            if r < 0.78:
                rt = self.reply_time(shop, t, allow_never=False)
                if rt and rt - t < 3 * HOUR:
                    rt = t + (rt - t) / 3 + timedelta(seconds=20)
                if rt:
                    self.msg(b, rt, "agent", text=rng.choice(AGENT_CLOSERS[b.lang]), agent=agent)
                    end = rt
            elif r < 0.86:
                mt = t + self.lognorm_min(10, 1.0)
                if self.mark(b, mt, "no_response_needed", agent):
                    end = mt
        if rng.random() < (0.45 if shop == "tt-my" else 0.08):
            mt = end + self.lognorm_min(6, 1.0)
            if self.mark(b, mt, "end_session", agent):
                end = mt
        if shop == "tt-my" and rng.random() < 0.4:
            if first_delay is None or first_delay > 12 * HOUR:
                w = [("very_satisfied", 2), ("satisfied", 3), ("neutral", 3), ("dissatisfied", 3), ("very_dissatisfied", 1.5)]
            elif topic == "aftersales":
                w = [("very_satisfied", 5), ("satisfied", 4), ("neutral", 1.5), ("dissatisfied", 0.8), ("very_dissatisfied", 0.4)]
            else:
                w = [("very_satisfied", 12), ("satisfied", 6), ("neutral", 1.2), ("dissatisfied", 0.4), ("very_dissatisfied", 0.2)]
            rt = end + timedelta(minutes=rng.uniform(1, 150))
            if self.rating(b, rt, self.pick(w)):
                end = rt
        return end

    # ---- episodes -----------------------------------------------------------------------

    def episode(self, b: Buyer, t0: datetime, topic: str) -> datetime:
        """One buyer-initiated exchange starting at t0; returns when it ended."""
        rng, shop = self.rng, b.shop
        c = self.ctx(b)
        first_contact = b.first_msg is None
        lang = b.lang
        greet = [("text", rng.choice(GREETINGS[lang]))] if rng.random() < 0.25 else []
        if rng.random() < 0.05 and greet:
            greet = [("sticker", None)]

        if topic == "presale":
            pool = self.presale_pool(b)
            qas = rng.sample(pool, k=min(len(pool), 1 + (rng.random() < 0.45) + (rng.random() < 0.15)))
            qas.sort(key=lambda qa: not qa[0].startswith(GREETING_WORDS))
            if qas[0][0].startswith(GREETING_WORDS):
                greet = []
            items = list(greet)
            if rng.random() < 0.5:
                items.append(("product_card", c["product"]))
            items += [("text", q.format(**c)) for q, _ in qas]
            answers = [a.format(**c) for _, a in qas]
            followups = [qa for qa in pool if qa not in qas]
        elif topic == "logistics":
            oid = self.ensure_order(b, t0, 1.5, 9)
            c["order"] = oid
            b.asked_where[oid] = max(t0, b.asked_where.get(oid, t0))
            items = list(greet)
            if rng.random() < 0.7:
                items.append(("order_card", f"Order {oid}"))
            q, logistics_answers = rng.choice(LOGISTICS[lang])
            if q.startswith(GREETING_WORDS):
                items = [it for it in items if it[0] != "text"]
            items.append(("text", q))
            answers = None
            followups = list(LOGISTICS_R2[lang])
        else:  # aftersales
            oid = self.ensure_order(b, t0, 3, 14)
            c["order"] = oid
            fam = SHOPS[shop]["family"]
            items = list(greet)
            if rng.random() < 0.6:
                items.append(("order_card", f"Order {oid}"))
            qs = AFTERSALES_Q[(fam, lang) if (fam, lang) in AFTERSALES_Q else (fam, "en")]
            items.append(("text", rng.choice(qs)))
            if rng.random() < 0.35:
                items.append(("image", None))
            answers = None
            followups = []

        # tt-my: some order-page tickets go to TikTok's own agents, not to the seller
        handled = shop == "tt-my" and topic == "aftersales" and rng.random() < 0.12
        last_buyer = self.burst(b, t0, items, handled=handled)
        if handled:
            self.msg(b, last_buyer + self.secs(30, 400), "system",
                     text="TikTok Shop customer service is handling this request for the buyer.")
        auto_at = self.automation(b, t0, first_contact, topic)
        if (shop == "tt-my" and auto_at is not None and topic == "logistics"
                and t0.astimezone(TZ8).weekday() >= 5 and rng.random() < 0.4):
            return auto_at   # the bot's answer was enough: the buyer writes nothing more

        rounds = 1 + (rng.random() < 0.45) + (rng.random() < 0.15)
        if topic == "aftersales":
            rounds = max(rounds, 2)
        first_delay = None
        last_agent = None
        star = topic == "aftersales" and rng.random() < 0.3
        pending = None   # the answer to the buyer's latest follow-up question
        for r in range(rounds):
            reply_at = self.reply_time(shop, last_buyer)
            last_buyer = self.wait_and_ping(b, last_buyer, reply_at)
            if reply_at is None or reply_at > END:
                return last_buyer
            if first_delay is None:
                first_delay = reply_at - t0
            if topic == "presale":
                if r == 0:
                    texts = answers if rng.random() < 0.6 else [" ".join(answers)]
                    if rng.random() < 0.2:
                        texts = [rng.choice(AGENT_HELLO[lang])] + texts
                    kinds = None
                    if rng.random() < 0.1:
                        texts = texts + [c["product"]]
                        kinds = ["text"] * (len(texts) - 1) + ["product_card"]
                    last_agent = self.agent_says(b, reply_at, texts, kinds)
                else:
                    last_agent = self.agent_says(b, reply_at, [pending])
            elif topic == "logistics":
                if r == 0:
                    texts = [rng.choice(logistics_answers).format(**c)]
                    if rng.random() < 0.5:
                        texts = [rng.choice(LOGISTICS_ACK[lang])] + texts
                    last_agent = self.agent_says(b, reply_at, texts)
                else:
                    last_agent = self.agent_says(b, reply_at, [pending])
            else:
                if r == 0:
                    last_agent = self.agent_says(b, reply_at, AFTERSALES_ASK[lang])
                elif r == 1:
                    last_agent = self.agent_says(b, reply_at, [rng.choice(AFTERSALES_FIX[lang])])
                else:
                    last_agent = self.agent_says(b, reply_at, [rng.choice(AFTERSALES_R3_A[lang])])
            if star and r == 0:
                self.mark(b, last_agent + self.secs(10, 120), "star", b.agent)
            if r == rounds - 1:
                break
            # the buyer answers back: the next round's question
            # the buyer answers back; after a long wait they are often no longer watching the chat
            waited = last_agent - last_buyer
            nt = last_agent + (self.lognorm_min(3, 1.2) if waited < 2 * HOUR or rng.random() < 0.35
                               else self.lognorm_min(45, 1.3))
            if topic in ("presale", "logistics"):
                if not followups:
                    break
                q, a = followups.pop(rng.randrange(len(followups)))
                pending = a.format(**c)
                last_buyer = self.burst(b, nt, [("text", q.format(**c))])
            else:
                if r == 0:
                    n = self.pick([(1, 0.5), (2, 0.3), (3, 0.2)])
                    kind = "video" if rng.random() < 0.2 else "image"
                    its = [(kind, None)] * (1 if kind == "video" else n)
                    if rng.random() < 0.4:
                        its.append(("text", {"ms": "Ni gambar dia", "en": "Here", "tl": "Eto po"}[lang]))
                    last_buyer = self.burst(b, nt, its)
                else:
                    last_buyer = self.burst(b, nt, [("text", rng.choice(AFTERSALES_R3[lang]))])
            if last_buyer > END:
                return last_agent
        end = self.close(b, last_agent, first_delay, topic, long_wait=last_agent - last_buyer > 2 * HOUR)
        if star:
            self.starred.append((shop, b, end))
        if topic == "presale" and rng.random() < {"tt-my": 0.5, "sp-ph": 0.5, "lz-my": 0.6}[shop]:
            r = rng.random()
            if r < 0.55:
                ot = last_agent + self.lognorm_min(25, 1.0)
            elif r < 0.9:
                ot = last_agent + timedelta(hours=rng.uniform(20, 6 * 24))
            else:
                ot = last_agent + timedelta(hours=rng.uniform(8 * 24, 12 * 24))
            self.order(b, ot, self.amount(shop, c["price"]))
        elif topic != "presale" and rng.random() < 0.12:   # a happy customer buys again
            _p, price = rng.choice(PRODUCTS[SHOPS[shop]["family"]])
            self.order(b, end + timedelta(hours=rng.uniform(2, 96)), self.amount(shop, price))
        return end

    def ensure_order(self, b: Buyer, t0: datetime, lo_days: float, hi_days: float) -> str:
        """An order placed before t0 that a logistics / after-sales chat is about."""
        for oid, when, _status in reversed(b.orders):
            if lo_days * DAY * 0.5 <= t0 - when <= hi_days * DAY * 1.5:
                return oid
        fam = SHOPS[b.shop]["family"]
        _p, price = self.rng.choice(PRODUCTS[fam])
        ot = t0 - timedelta(days=self.rng.uniform(lo_days, hi_days))
        status = "shipped" if t0 - ot < 4 * DAY else ("completed" if self.rng.random() < 0.7 else "shipped")
        return self.order(b, ot, self.amount(b.shop, price), status)

    def faq_episode(self, b: Buyer, t0: datetime) -> datetime:
        """An FAQ-assistant interaction (tt-my, sp-ph), sometimes escalated to an agent."""
        rng = self.rng
        q, a = rng.choice(FAQ[b.shop])
        flag = False if rng.random() < 0.35 else None
        self.msg(b, t0, "buyer", kind="faq_prompt", text=q, faq_agent=flag)
        t = t0 + self.secs(1, 3)
        self.msg(b, t, "bot", text=a)
        if rng.random() < 0.45:
            t = t + self.secs(20, 240)
            self.msg(b, t, "buyer", kind="faq_prompt", text=FAQ_AGENT_TEXT, faq_agent=True)
            last_buyer = t
            if rng.random() < 0.55:  # ... and types a question; otherwise sends nothing more
                c = self.ctx(b)
                qq, aa = rng.choice(self.presale_pool(b))
                last_buyer = self.burst(b, t + self.secs(15, 120), [("text", qq.format(**c))])
                answer = aa.format(**c)
            else:
                answer = rng.choice(AGENT_HELLO[b.lang])
            reply_at = self.reply_time(b.shop, t)
            last_buyer = self.wait_and_ping(b, last_buyer, reply_at)
            if reply_at and reply_at <= END:
                la = self.agent_says(b, reply_at, [answer])
                return self.close(b, la, reply_at - t, "presale")
            return last_buyer
        return t

    # ---- special conversations ------------------------------------------------------------

    def new_buyer(self, shop: str, lang: str | None = None) -> Buyer:
        lang = lang or self.pick(SHOPS[shop]["langs"])
        b = Buyer(shop, len(self.buyers[shop]) + 1, lang)
        self.buyers[shop].append(b)
        return b

    def spam(self, shop: str, text: str, t: datetime):
        b = self.new_buyer(shop, "en")
        b.special = True
        self.msg(b, t, "buyer", text=text)
        if self.rng.random() < 0.5:
            self.msg(b, t + self.secs(1, 3), "auto", text=AUTO_TEXT[shop]["welcome"])
        mt = self.next_open(shop, t) + self.lognorm_min(15, 1.0)
        self.mark(b, mt, "no_response_needed", self.pick(SHOPS[shop]["agents"]))

    def jat(self, s: str) -> datetime:
        """A hand-picked local minute plus random seconds."""
        return at(s) + timedelta(seconds=self.rng.randrange(0, 60))

    def blocked_buyer(self):
        """tt-my: an abusive buyer who gets blocked and keeps writing."""
        b = self.new_buyer("tt-my", "ms")
        b.special = True
        t = self.jat("2026-07-01 22:47")
        oid = self.order(b, t - 6 * DAY, 79.90 + 4.90, "completed")
        t = self.burst(b, t, [("order_card", f"Order {oid}"), ("text", "Baju ni warna pudar lepas basuh sekali"),
                              ("text", "Nak refund full + pampasan RM50")])
        self.msg(b, t + self.secs(2, 4), "auto", text=AUTO_TEXT["tt-my"]["offwork"])
        t2 = self.jat("2026-07-02 09:24")
        self.agent_says(b, t2, ["Maaf atas kesulitan 🙏 Boleh hantar gambar? Kami boleh proses refund ikut polisi, tapi tiada pampasan tambahan ya."])
        t3 = self.burst(b, self.jat("2026-07-02 09:41"), [("text", "PENIPU!!!"), ("text", "Saya report kedai ni, bagi 1 bintang"),
                                                     ("text", "penipu penipu penipu")])
        self.agent_says(b, self.jat("2026-07-02 10:05"), ["Kami faham sis kecewa. Sila buat return request dalam app, kami approve. Mesej kasar akan dilaporkan ya."])
        self.burst(b, self.jat("2026-07-02 10:12"), [("text", "😡😡😡"), ("text", "bodoh")])
        self.mark(b, self.jat("2026-07-02 10:20"), "no_response_needed", "hafiz")
        self.buyer_state(b, self.jat("2026-07-02 10:21"), blocked=True)
        self.burst(b, self.jat("2026-07-04 23:03"), [("text", "kenapa tak reply"), ("text", "saya tahu korang baca")])
        t = self.burst(b, self.jat("2026-07-09 13:15"), [("text", "refund saya mana??")])
        self.msg(b, t + self.secs(60, 200), "buyer", kind="sticker")

    def banned_buyer(self):
        """sp-ph: a buyer trying to deal off-platform; the account gets banned, messages keep coming."""
        b = self.new_buyer("sp-ph", "tl")
        b.special = True
        t = self.burst(b, self.jat("2026-06-30 14:10"), [("product_card", "TWS Earbuds Pro 5 ANC Bluetooth 5.3"),
                                                   ("text", "Hi po, bulk order 50 pcs"),
                                                   ("text", "GCash ko na lang po bayad direct, wag na dumaan Shopee para mura")])
        self.agent_says(b, self.jat("2026-06-30 14:22"), ["Hi po! Sorry po, lahat ng transactions ay dapat sa Shopee lang po for your protection. Pwede po kami mag-offer ng bulk voucher 😊"])
        self.burst(b, self.jat("2026-06-30 14:30"), [("text", "Sige na po, send ko GCash number ko: 0917xxxxxxx"),
                                               ("text", "mark nyo na lang delivered")])
        self.agent_says(b, self.jat("2026-06-30 14:41"), ["Hindi po namin magagawa yan. Salamat po sa pag-unawa 🙏"], None)
        self.mark(b, self.jat("2026-06-30 14:42"), "star", "carlo")
        self.buyer_state(b, self.jat("2026-07-02 08:00"), account_state="banned")
        t = self.jat("2026-07-08 20:33")
        self.burst(b, t, [("text", "bakit di nyo ako sinasagot"), ("text", "hello??")])
        self.msg(b, t + self.secs(2, 4), "auto", text=AUTO_TEXT["sp-ph"]["welcome"])

    def broadcast(self, shop: str):
        """A campaign broadcast to past buyers and followers, then some replies."""
        rng = self.rng
        bt, text = BROADCASTS[shop]
        past = [b for b in self.buyers[shop] if b.first_msg and b.first_msg < bt - DAY and not b.special]
        rng.shuffle(past)
        recipients = past[:26] + [self.new_buyer(shop) for _ in range(11)]
        t = bt
        for b in recipients:
            t = t + self.secs(1, 4)
            self.msg(b, t, "broadcast", text=text)
        repliers = rng.sample(recipients, 11)
        for b in repliers:
            rt = t + self.lognorm_min(40, 1.3)
            if rng.random() < 0.2:
                self.msg(b, rt, "buyer", kind="sticker")
                continue
            q, a = rng.choice(BROADCAST_REPLIES[shop][b.lang])
            self.msg(b, rt, "buyer", text=q)
            reply = self.reply_time(shop, rt)
            if reply is not None and not (shop == "tt-my" and rng.random() < 0.25):
                self.agent_says(b, reply, [a])
            if rng.random() < 0.5:
                fam = SHOPS[shop]["family"]
                _p, price = rng.choice(PRODUCTS[fam])
                self.order(b, bt + timedelta(hours=rng.uniform(4, 28)), self.amount(shop, price))

    def tail(self, shop: str):
        """Conversations still open at END: overdue, due soon (tt-my, sp-ph) and fresh."""
        rng = self.rng
        cands = [b for b in self.buyers[shop] if b.last_msg and b.last_msg < END - 5 * DAY and not b.special]
        # overdue: nobody answered a weekend / Sunday message
        specs = [(END - timedelta(hours=26, minutes=12), "logistics"),   # Sun 09:48
                 (END - timedelta(hours=19, minutes=35), "presale")]     # Sun 16:25
        if shop == "lz-my":
            specs = [(END - timedelta(hours=41, minutes=20), "logistics"),  # Sat 18:40
                     (END - timedelta(hours=20, minutes=5), "aftersales")]  # Sun 15:55
        for i, (t0, topic) in enumerate(specs):
            b = cands.pop(rng.randrange(len(cands))) if i == 0 else self.new_buyer(shop)
            self.open_inquiry(b, t0, topic, ping=True)
            if i == 0:
                self.mark(b, t0 + timedelta(hours=3), "star", self.pick(SHOPS[shop]["agents"]))
        # due soon: opened 10-12 h before END under a 12 h clock
        if shop in ("tt-my", "sp-ph"):
            for t0 in (END - timedelta(hours=11, minutes=22), END - timedelta(hours=10, minutes=41)):
                b = self.new_buyer(shop)
                self.open_inquiry(b, t0, "presale", ping=True)
        # fresh: a few minutes old
        for t0 in (END - timedelta(minutes=47), END - timedelta(minutes=16), END - timedelta(minutes=3)):
            b = self.new_buyer(shop) if rng.random() < 0.6 else cands.pop(rng.randrange(len(cands)))
            self.open_inquiry(b, t0, rng.choice(["presale", "logistics", "aftersales"]), ping=False)
        # answered once, then the buyer asked again an hour ago
        b = self.new_buyer(shop)
        t0 = END - timedelta(hours=2, minutes=30, seconds=rng.randrange(0, 900))
        c = self.ctx(b)
        (q1, a1), (q2, _a2) = rng.sample(self.presale_pool(b), 2)
        self.burst(b, t0, [("product_card", c["product"]), ("text", q1.format(**c))])
        self.automation(b, t0, True, "presale")
        self.agent_says(b, t0 + 9 * MIN, [a1.format(**c)])
        self.burst(b, t0 + timedelta(minutes=74), [("text", q2.format(**c))])

    def open_inquiry(self, b: Buyer, t0: datetime, topic: str, ping: bool):
        rng, lang = self.rng, b.lang
        t0 = t0 - timedelta(seconds=rng.randrange(0, 150))   # no two shops on the same second
        c = self.ctx(b)
        if topic == "presale":
            qas = rng.sample(self.presale_pool(b), 2)
            items = [("product_card", c["product"])] + [("text", q.format(**c)) for q, _ in qas]
        elif topic == "logistics":
            oid = self.ensure_order(b, t0, 2, 7)
            b.asked_where[oid] = t0
            items = [("order_card", f"Order {oid}"), ("text", rng.choice(LOGISTICS[lang])[0])]
        else:
            oid = self.ensure_order(b, t0, 3, 10)
            fam = SHOPS[b.shop]["family"]
            qs = AFTERSALES_Q[(fam, lang) if (fam, lang) in AFTERSALES_Q else (fam, "en")]
            items = [("order_card", f"Order {oid}"), ("text", rng.choice(qs)), ("image", None)]
        last = self.burst(b, t0, items)
        auto = self.automation(b, t0, b.first_msg == t0, topic)
        if ping or auto is not None:
            # the buyer writes again after any automatic answer, so it cannot have resolved it
            t = max(last, auto or last) + timedelta(minutes=rng.uniform(8, 40))
            if t < END:
                self.msg(b, t, "buyer", text=rng.choice(PINGS[lang]))

    # ---- the whole history --------------------------------------------------------------

    def run(self):
        rng = self.rng
        for shop, cfg in SHOPS.items():
            # ordinary buyers, one conversation each, 1-3 episodes over the month
            for _ in range(cfg["chat_buyers"]):
                b = self.new_buyer(shop)
                n = self.pick([(1, 0.62), (2, 0.27), (3, 0.11)])
                starts: list[datetime] = []
                for _try in range(20):
                    if len(starts) == n:
                        break
                    t = self.buyer_start()
                    if all(abs(t - s) > 2 * DAY for s in starts):
                        starts.append(t)
                starts.sort()
                prev_end = None
                for i, t0 in enumerate(starts):
                    if prev_end and t0 < prev_end + 6 * HOUR:
                        continue
                    if shop in ("tt-my", "sp-ph") and rng.random() < 0.08:
                        prev_end = self.faq_episode(b, t0)
                        continue
                    if i > 0 and b.orders:
                        topic = self.pick([("logistics", 0.45), ("aftersales", 0.25), ("presale", 0.30)])
                    else:
                        topic = self.pick([("presale", 0.52), ("logistics", 0.28), ("aftersales", 0.20)])
                    prev_end = self.episode(b, t0, topic)
            # spam, each marked "no response needed"
            for text in SPAM[shop]:
                self.spam(shop, text, self.buyer_start())
            # walk-in orders from buyers who never chat
            fam = cfg["family"]
            for _ in range(cfg["walkin_orders"]):
                b = self.new_buyer(shop, "x")   # never chats, so no language
                _p, price = rng.choice(PRODUCTS[fam])
                self.order(b, self.buyer_start(), self.amount(shop, price))
                if rng.random() < 0.25:
                    _p, price = rng.choice(PRODUCTS[fam])
                    self.order(b, self.buyer_start(), self.amount(shop, price))
        self.blocked_buyer()
        self.banned_buyer()
        for shop in BROADCASTS:
            self.broadcast(shop)
        for shop in SHOPS:
            self.tail(shop)
        self.unstar_one()
        self.system_notices()

    def unstar_one(self):
        done = [(s, b, e) for s, b, e in self.starred if e < END - 2 * DAY]
        shop, b, e = done[self.rng.randrange(len(done))]
        self.mark(b, e + timedelta(hours=self.rng.uniform(1, 20)), "unstar", b.agent)

    def system_notices(self):
        rng = self.rng
        for shop, buyers in self.buyers.items():
            for b in buyers:
                if b.first_msg is None:
                    continue
                for oid, ot, status in list(b.orders):
                    if status in ("to_ship", "cancelled"):
                        continue
                    courier = rng.choice(COURIERS[shop])
                    st = ot + timedelta(hours=rng.uniform(5, 30))
                    if st > b.first_msg and rng.random() < 0.8:
                        kind = "order_card" if rng.random() < 0.3 else "text"
                        self.msg(b, st, "system", kind=kind, text=SYSTEM_SHIPPED[shop].format(order=oid, courier=courier))
                    dt = st + timedelta(hours=rng.uniform(40, 100))
                    if oid in b.asked_where:
                        dt = max(dt, b.asked_where[oid] + timedelta(hours=rng.uniform(20, 50)))
                    if status == "completed" and dt > b.first_msg and rng.random() < 0.5:
                        self.msg(b, dt, "system", text=SYSTEM_DELIVERED[shop].format(order=oid))
                        if shop == "sp-ph" and rng.random() < 0.6:
                            self.msg(b, dt + timedelta(hours=rng.uniform(1, 30)), "system",
                                     text=SYSTEM_COINS.format(coins=rng.randrange(5, 60), order=oid))

    # ---- output ---------------------------------------------------------------------------

    def lines(self) -> list[dict]:
        out: list[dict] = []
        for shop, cfg in SHOPS.items():
            d = {"type": "shop", "shop": shop, "platform": cfg["platform"], "region": cfg["region"],
                 "tz": cfg["tz"], "name": cfg["name"]}
            if cfg.get("mall"):
                d["mall"] = True
            out.append(d)
        facts: list[tuple[datetime, int, dict]] = []
        for shop, cfg in SHOPS.items():
            for since, hours in cfg["hours"]:
                facts.append((since, 0, {"type": "operating_hours", "shop": shop, "at": since,
                                         "hours": {k: [list(iv) for iv in hours[k]] for k in DAY_KEYS if k in hours}}))
            for a, b in cfg["holidays"]:
                facts.append((a, 0, {"type": "holiday_mode", "shop": shop, "from": a, "to": b}))
            for a, b in cfg["coverage"]:
                facts.append((a, 0, {"type": "weekend_coverage", "shop": shop, "from": a, "to": b}))
        for shop, day, name in PUBLIC_HOLIDAYS:
            facts.append((datetime.fromisoformat(day).replace(tzinfo=TZ8), 0,
                          {"type": "public_holiday", "shop": shop, "date": day, "name": name}))
        rows = sorted(facts + self.events, key=lambda e: (e[0], e[1]))
        counters: dict[str, Counter] = {s: Counter() for s in SHOPS}
        ids: dict[tuple, str] = {}

        def ident(shop: str, ref: tuple) -> str:
            kind, key = ref
            k = (shop, kind, key)
            if k not in ids:
                counters[shop][kind] += 1
                n = counters[shop][kind]
                ids[k] = f"{shop}-c{n:04d}" if kind == "conv" else f"{shop}-b{n:03d}"
            return ids[k]

        for _when, _seq, obj in rows:
            d = {}
            shop = obj["shop"]
            for k, v in obj.items():
                if isinstance(v, datetime):
                    v = v.astimezone(timezone(timedelta(hours=TZ_OFFSET_HOURS[SHOPS[shop]["tz"]]))).isoformat(timespec="seconds")
                elif isinstance(v, tuple):
                    v = ident(shop, v)
                d[k] = v
            if d["type"] == "message":
                counters[shop]["msg"] += 1
                d["id"] = f"{shop}-m{counters[shop]['msg']:06d}"
            out.append(d)
        return out


# --------------------------------------------------------------------------------------
# The check: the documented format, nothing more
# --------------------------------------------------------------------------------------

SCHEMA = {
    "shop": ({"shop", "platform", "region", "tz"}, {"name", "mall"}),
    "message": ({"shop", "conversation", "id", "at", "from", "buyer"},
                {"kind", "text", "agent", "faq_chat_with_agent", "platform_handled"}),
    "holiday_mode": ({"shop", "from"}, {"to"}),
    "weekend_coverage": ({"shop", "from"}, {"to"}),
    "operating_hours": ({"shop", "at", "hours"}, set()),
    "public_holiday": ({"shop", "date"}, {"name"}),
    "buyer": ({"shop", "buyer", "at"}, {"blocked", "account_state"}),
    "mark": ({"shop", "conversation", "at", "action"}, {"agent"}),
    "rating": ({"shop", "conversation", "at", "score"}, set()),
    "order": ({"shop", "buyer", "id", "at"}, {"amount", "currency", "status"}),
}
ENUMS = {
    "platform": {"tiktok", "shopee", "lazada"},
    "region": {"US", "MY", "PH", "ID", "TH", "VN", "SG"},
    "from@message": {"buyer", "agent", "auto", "bot", "system", "broadcast"},
    "kind": {"text", "sticker", "emoji", "image", "video", "product_card", "order_card", "faq_prompt", "other"},
    "account_state": {"active", "banned", "frozen", "deleted"},
    "action": {"no_response_needed", "end_session", "star", "unstar"},
    "score": {"very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied"},
}
BOOLS = {"mall", "faq_chat_with_agent", "platform_handled", "blocked"}
INSTANT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def check(text: str) -> list[str]:
    """Problems with an event log (empty when it is valid and ordered as promised)."""
    errs: list[str] = []
    shops: dict[str, dict] = {}
    msg_ids: dict[str, set] = {}
    order_ids: dict[str, set] = {}
    conv_buyer: dict[tuple, str] = {}
    seen_non_shop = False
    last_key = None

    def instant(n, field, v, shop):
        if not isinstance(v, str) or not INSTANT_RE.match(v):
            errs.append(f"line {n}: {field} is not an RFC 3339 instant: {v!r}")
            return None
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
        off = TZ_OFFSET_HOURS.get(shops.get(shop, {}).get("tz"))
        if off is not None and dt.utcoffset() != timedelta(hours=off):
            errs.append(f"line {n}: {field} {v} is not in the shop's local offset")
        if dt > END:
            errs.append(f"line {n}: {field} {v} is after the end instant")
        return dt

    for n, raw in enumerate(text.splitlines(), 1):
        try:
            e = json.loads(raw)
        except json.JSONDecodeError as ex:
            errs.append(f"line {n}: not JSON ({ex})")
            continue
        if not isinstance(e, dict) or e.get("type") not in SCHEMA:
            errs.append(f"line {n}: unknown type {e.get('type') if isinstance(e, dict) else e!r}")
            continue
        t = e["type"]
        req, opt = SCHEMA[t]
        fields = set(e) - {"type"}
        if req - fields:
            errs.append(f"line {n}: {t} lacks {sorted(req - fields)}")
        if fields - req - opt:
            errs.append(f"line {n}: {t} has unknown fields {sorted(fields - req - opt)}")
        shop = e.get("shop")
        if t == "shop":
            if seen_non_shop:
                errs.append(f"line {n}: shop line after other lines")
            if shop in shops:
                errs.append(f"line {n}: shop {shop} declared twice")
            if e.get("tz") not in TZ_OFFSET_HOURS:
                errs.append(f"line {n}: unexpected tz {e.get('tz')}")
            shops[shop] = e
            msg_ids[shop], order_ids[shop] = set(), set()
        else:
            seen_non_shop = True
            if shop not in shops:
                errs.append(f"line {n}: shop {shop!r} not declared")
                continue
        for k in ("platform", "region", "kind", "account_state", "action", "score"):
            if k in e and e[k] not in ENUMS[k]:
                errs.append(f"line {n}: {k} {e[k]!r} not allowed")
        for k in BOOLS:
            if k in e and not isinstance(e[k], bool):
                errs.append(f"line {n}: {k} must be a bool")
        for k in ("shop", "conversation", "id", "buyer", "agent", "text", "name", "status", "currency"):
            if k in e and not (isinstance(e[k], str) and e[k]):
                errs.append(f"line {n}: {k} must be a non-empty string")
        key = None
        if t == "message":
            if e["from"] not in ENUMS["from@message"]:
                errs.append(f"line {n}: from {e['from']!r} not allowed")
            if e["id"] in msg_ids[shop]:
                errs.append(f"line {n}: duplicate message id {e['id']}")
            msg_ids[shop].add(e["id"])
            if "faq_chat_with_agent" in e and e.get("kind") != "faq_prompt":
                errs.append(f"line {n}: faq_chat_with_agent without kind faq_prompt")
            if ("agent" in e) != (e["from"] == "agent"):
                errs.append(f"line {n}: agent field and from=agent disagree")
            if e.get("kind", "text") in ("text", "faq_prompt", "emoji") and "text" not in e:
                errs.append(f"line {n}: {e.get('kind', 'text')} message without text")
            prev = conv_buyer.setdefault((shop, e["conversation"]), e["buyer"])
            if prev != e["buyer"]:
                errs.append(f"line {n}: conversation {e['conversation']} has two buyers")
            key = instant(n, "at", e["at"], shop)
        elif t in ("holiday_mode", "weekend_coverage"):
            key = instant(n, "from", e["from"], shop)
            if "to" in e:
                to = instant(n, "to", e["to"], shop)
                if key and to and to <= key:
                    errs.append(f"line {n}: to is not after from")
        elif t == "public_holiday":
            try:
                key = datetime.fromisoformat(date.fromisoformat(e["date"]).isoformat()).replace(tzinfo=TZ8)
            except (ValueError, TypeError):
                errs.append(f"line {n}: bad date {e.get('date')!r}")
        elif t == "order":
            if e["id"] in order_ids[shop]:
                errs.append(f"line {n}: duplicate order id {e['id']}")
            order_ids[shop].add(e["id"])
            if "amount" in e and (isinstance(e["amount"], bool) or not isinstance(e["amount"], (int, float))):
                errs.append(f"line {n}: amount must be a JSON number")
            want = {"MY": "MYR", "PH": "PHP"}.get(shops[shop]["region"])
            if "currency" in e and e["currency"] != want:
                errs.append(f"line {n}: currency {e['currency']} for a {shops[shop]['region']} shop")
            key = instant(n, "at", e["at"], shop)
        elif t == "operating_hours":
            hours = e["hours"]
            if not isinstance(hours, dict) or set(hours) - set(DAY_KEYS):
                errs.append(f"line {n}: bad hours keys")
            else:
                for day, ivs in hours.items():
                    for iv in ivs:
                        if (not isinstance(iv, list) or len(iv) != 2 or not all(isinstance(x, str) and HHMM_RE.match(x) for x in iv)
                                or iv[0] >= iv[1]):
                            errs.append(f"line {n}: bad interval {iv!r} on {day}")
            key = instant(n, "at", e["at"], shop)
        elif t != "shop":
            key = instant(n, "at", e["at"], shop)
        if key is not None:
            if last_key is not None and key < last_key:
                errs.append(f"line {n}: not sorted by instant")
            last_key = key
    return errs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "samples" / "sample-events.jsonl"))
    args = ap.parse_args()
    g = Gen(SEED)
    g.run()
    text = "".join(json.dumps(d, ensure_ascii=False, separators=(",", ":")) + "\n" for d in g.lines())
    errs = check(text)
    if errs:
        for e in errs[:50]:
            print(e, file=sys.stderr)
        print(f"{len(errs)} problem(s); nothing written", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    rows = [json.loads(l) for l in text.splitlines()]
    print(f"wrote {out} ({len(rows)} lines)")
    for shop in SHOPS:
        mine = [r for r in rows if r["shop"] == shop]
        convs = {r["conversation"] for r in mine if r["type"] == "message"}
        print(f"  {shop}: {len(mine)} lines, {len(convs)} conversations, "
              + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r["type"] for r in mine).items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
