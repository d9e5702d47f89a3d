import pandas as pd


def add_totals(df: pd.DataFrame) -> pd.DataFrame:
    df["total"] = df["price"] * df["qty"]
    return df


def labels(df: pd.DataFrame) -> list:
    return [f"{r.name} ({r.qty})" for r in df.itertuples(index=False)]
