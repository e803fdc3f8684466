"""The fixed vocabulary of docs/design.md §2: topic ids and question kinds (demo ids: demo_registry)."""

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
    "autoregressive": "自己回帰モデル(GPT・PixelCNN・WaveNet など)",
    "flow": "フローベース生成モデル(正規化フロー)",
    "conditioning": "条件付き生成とマルチモーダル(CLIP・ControlNet など)",
    "evaluation": "生成モデルの評価指標",
    "autoencoder": "オートエンコーダの仲間と次元削減",
    "applications": "VAEの応用",
    "ethics": "生成AIの倫理と著作権",
    "pretraining": "事前学習と自己教師あり学習(DBN・MAE など)",
}
"""Topic id → its Japanese label."""

LINE_BOUND_TOPICS: tuple[str, ...] = ("reparam",)
"""Topics a question may carry only when its lyric line teaches them (the line's ``topic``):
``--topic reparam`` serves the reparameterization lines and nothing else."""

LEVELS: dict[str, str] = {
    "basic": "基本(G検定の出題範囲)",
    "advanced": "発展(G検定の範囲を超える)",
}
"""Question level id → its Japanese label (``Question.level``; ``--level`` selects on it)."""

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
