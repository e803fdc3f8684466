"""The fixed vocabulary of DESIGN.md §2: topic ids, demo ids and question kinds."""

from __future__ import annotations

TOPICS: dict[str, str] = {
    "definition": "VAEの定義",
    "generation": "データの生成",
    "encoder": "エンコーダ(平均と分散)",
    "latent": "潜在変数とサンプリング",
    "loss": "損失関数(再構成誤差+KL)",
    "kl": "KLダイバージェンス(正則化項)",
    "reparam": "再パラメータ化トリック",
    "blur": "ぼやけと学習の安定性(GANとの比較)",
    "variants": "発展(β-VAE・VQ-VAE・CVAE など)",
    "gan": "GANとその発展形",
    "diffusion": "拡散モデル",
    "autoregressive": "自己回帰モデルとフローベースモデル",
    "evaluation": "生成モデルの評価指標",
    "autoencoder": "オートエンコーダの仲間と次元削減",
    "applications": "VAEの応用",
    "ethics": "生成AIの倫理と著作権",
}
"""Topic id → its Japanese label."""

DEMOS: dict[str, str] = {
    "samples": "事前分布からのサンプル",
    "reconstruct": "再構成(元画像と復元画像)",
    "encode": "エンコーダの平均と標準偏差",
    "kl-training": "再構成誤差とKLの学習曲線",
    "beta-compare": "β=0 と β=1 の比較",
    "reparam": "再パラメータ化トリックの勾配",
    "interpolate": "潜在空間の補間",
    "manifold": "2次元潜在空間の多様体",
}
"""Demo id → its Japanese label."""

KINDS: dict[str, str] = {
    "best": "最も適切なものを選べ",
    "worst": "最も不適切なものを選べ",
    "blank": "空欄に入る語句の組み合わせとして最も適切なものを選べ",
    "calc": "計算問題(最も適切な値を選べ)",
}
"""Question kind id → the instruction shown with the stem."""

OPTIONS_PER_KIND: dict[str, int] = {kind: 4 for kind in KINDS}
"""How many options each kind needs (every G検定 kind here is four-option)."""

BLANK_LABELS: tuple[str, ...] = ("ア", "イ", "ウ", "エ", "オ")
"""Blank labels in the order G検定 uses them: （ア）（イ）（ウ）…"""
