"""The names, texts and odds each copy draws from."""

from __future__ import annotations

from remediation.choices import MeasureKind

# Places that stand in for the report's regions in each copy's names and texts (none is one of them).
PLACES: list[tuple[str, str]] = [
    ("北海", "Hokkai"), ("東海", "Tokai"), ("山陰", "San'in"), ("山陽", "San'yo"), ("房総", "Boso"),
    ("信越", "Shin'etsu"), ("甲信", "Koshin"), ("常磐", "Joban"), ("奥羽", "Ou"), ("紀伊", "Kii"),
    ("瀬戸内", "Setouchi"), ("阿蘇", "Aso"), ("薩摩", "Satsuma"), ("土佐", "Tosa"), ("伊予", "Iyo"),
    ("讃岐", "Sanuki"), ("出雲", "Izumo"), ("吉備", "Kibi"), ("越後", "Echigo"), ("越前", "Echizen"),
    ("加賀", "Kaga"), ("能登", "Noto"), ("飛騨", "Hida"), ("美濃", "Mino"), ("尾張", "Owari"),
    ("三河", "Mikawa"), ("駿河", "Suruga"), ("相模", "Sagami"), ("武蔵", "Musashi"), ("上総", "Kazusa"),
    ("下野", "Shimotsuke"), ("陸奥", "Mutsu"), ("出羽", "Dewa"), ("琉球", "Ryukyu"), ("筑紫", "Tsukushi"),
    ("肥後", "Higo"), ("日向", "Hyuga"), ("大隅", "Osumi"), ("安芸", "Aki"), ("丹波", "Tamba"),
]  # fmt: skip
SURNAMES = [
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本",
    "中村", "小林", "加藤", "吉田", "山田", "松本", "井上",
]  # fmt: skip
GIVEN_NAMES = ["健一", "美咲", "大輔", "陽子", "翔太", "由美", "拓也", "直子", "誠", "恵", "亮", "真理子"]
CASE_TITLES: list[tuple[str, str]] = [
    (
        "{ja}地域の一般送配電事業者及び関係小売電気事業者による新電力顧客の個人情報の不適切な取扱い（第{n}号）",
        "Improper handling of new-entrant retailers' customer data by the {en} T&D operator and retailer (No. {n})",
    ),
    (
        "{ja}電力グループにおける共用システムを通じた顧客情報の閲覧（第{n}号）",
        "Customer data viewed through shared systems in the {en} Electric Power Group (No. {n})",
    ),
    (
        "{ja}地域における委託先の個人データ管理の不備（第{n}号）",
        "Insufficient supervision of contractors handling personal data in the {en} region (No. {n})",
    ),
]
PHASES = [
    "担当部署で対応を進めています",
    "社内規程の改定案を取締役会に付議しました",
    "全従業者を対象とする研修を実施しました",
    "委託先への立入監査を完了しました",
    "システム改修の要件定義に着手しました",
    "アクセス権限の棚卸しを完了し、不要な権限を削除しました",
    "アクセスログの定期分析を開始しました",
    "本件システムの物理的分割に向けた移行計画を策定中です",
    "外部専門家による点検結果を取りまとめています",
    "次回の自己点検項目に反映しました",
]
REQUESTS = [
    "実施内容を裏付ける資料を添付してください。",
    "対象となる従業者の範囲を明記してください。",
    "完了予定日の根拠を示してください。",
    "委託先ごとの実施状況を記載してください。",
]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1",
]
# How likely each status is for an implementation, by the kind of its measure ("" = not reported).
STATUS_WEIGHTS: dict[str, dict[str, int]] = {
    MeasureKind.COMPLETED: {"done": 70, "in_progress": 14, "blocked": 3, "planned": 3, "": 10},
    MeasureKind.STANDING: {"done": 40, "in_progress": 35, "planned": 10, "blocked": 5, "": 10},
    MeasureKind.PERIODIC: {"in_progress": 55, "done": 20, "planned": 12, "blocked": 6, "": 7},
    MeasureKind.PROJECT: {"planned": 45, "in_progress": 40, "blocked": 10, "done": 2, "": 3},
}
INCIDENT_WEIGHTS = {"done": 55, "in_progress": 25, "planned": 10, "blocked": 5, "": 5}
