"""Tables go to st.dataframe as Arrow tables built from their rows (components.shared.text.
table_of): what the nurse sees is the same as from pandas, for less work per run."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from components.shared.text import date_columns, table_of


def test_rows_become_an_arrow_table_with_every_column_in_order():
    rows = [
        {"Patient": "Ada Example", "Due": date(2026, 12, 7)},
        {"Patient": "Ben Example", "Due": None, "Owner": "Cara Nurse", "id": 7},
    ]
    table = table_of(rows, drop=("id",))
    assert isinstance(table, pa.Table)
    assert table.column_names == ["Patient", "Due", "Owner"]
    assert table.column("Due").type == pa.date32()
    assert table.column("Owner").to_pylist() == [None, "Cara Nurse"]
    # Dates still read the US way.
    assert list(date_columns(table)) == ["Due"]


def test_a_column_of_mixed_kinds_falls_back_to_pandas():
    rows = [{"Value": 3}, {"Value": "three"}]
    assert isinstance(table_of(rows), pd.DataFrame)


def test_both_kinds_of_table_draw_the_same_cells():
    def page():

        from components.shared.text import show_table

        show_table([{"Name": "Ada", "Score": 3}, {"Name": "Ben", "Score": None}], alt="Scores")
        show_table([{"Value": 3}, {"Value": "three"}], alt="Mixed")

    at = AppTest.from_function(page).run()
    assert not at.exception
    scores, mixed = (d.value for d in at.dataframe)
    assert scores["Name"].tolist() == ["Ada", "Ben"]
    assert scores["Score"].iloc[0] == 3 and pd.isna(scores["Score"].iloc[1])
    assert [str(v) for v in mixed["Value"]] == ["3", "three"]
