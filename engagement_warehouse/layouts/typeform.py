"""The generated feedback as Typeform would land it: one form per kind of survey (the demo forms
of the seed typeform_question_mapping) and one response per contract feedback row, in the layout
of the Typeform Responses API as Airbyte's `responses` stream writes it (`responses.jsonl`: nested
`answers`, `hidden` fields, `form_id`), plus the forms (`forms.jsonl`).

What the contract has and a Typeform response does not carry in its answers goes where a shop
puts it, the hidden fields of the survey link: customer_id, order_id, channel and language. The
response id (and token) is the contract's feedback_id; the score is the number answer of the
form's score question and the comment the text answer of its long-text question."""

from __future__ import annotations

from pathlib import Path

import duckdb

AREA = "feedback"

# survey_type -> (form id, title, language, score field (id, ref, Typeform type), comment field (id, ref))
FORMS = {
    "nps": ("NpsForm1", "¿Nos recomendarías?", "es",
            ("Xf3kNps01aBc", "nps_score", "nps"), ("Xf3kRsn02dEf", "nps_reason")),
    "csat": ("CsatForm", "¿Cómo fue tu pedido?", "es",
             ("Cs4tDlv01aBc", "delivery_csat", "rating"), ("Cs4tRsn02dEf", "csat_reason")),
    "product_review": ("RevwForm", "Califica tu pieza", "es",
                       ("Rv5wStr01aBc", "product_stars", "rating"), ("Rv5wTxt02dEf", "review_text")),
}
# A contract row whose survey type is none of the above (a generated bad row) answers a question no
# seed row maps, so the adapter rejects it (no_score_answer) instead of the writer dropping it.
OTHER_FORM = ("OtherFrm", "Other survey", "es", ("Ot7rScr01aBc", "other_score", "number"),
              ("Ot7rTxt02dEf", "other_comment"))


def _contract_table(contract_dir: Path, table: str) -> str:
    parquet = contract_dir / f"{table}.parquet"
    if parquet.exists():
        return f"read_parquet('{parquet}')"
    csv = contract_dir / f"{table}.csv"
    if csv.exists():
        return f"read_csv('{csv}', header = true, all_varchar = true, quote = '\"', escape = '\"')"
    raise FileNotFoundError(f"no {table}.parquet or {table}.csv in {contract_dir}: the Typeform layout "
                            f"is written from the contract's {table} file")


def _forms_values() -> str:
    rows = []
    for survey_type, (form_id, title, language, score, comment) in [*FORMS.items(), ("", OTHER_FORM)]:
        values = [survey_type, form_id, title, language, *score, *comment]
        rows.append("(" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + ")")
    return ("(values " + ", ".join(rows) + ") as forms (survey_type, form_id, title, language, score_field_id, "
            "score_field_ref, score_field_type, comment_field_id, comment_field_ref)")


def write(contract_dir: Path, out_dir: Path) -> dict[str, int]:
    contract_dir, out_dir = Path(contract_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    responses_path = out_dir / "responses.jsonl"
    forms_path = out_dir / "forms.jsonl"
    feedback = _contract_table(contract_dir, "feedback")
    with duckdb.connect() as con:
        con.execute(f"create temp table forms as select * from {_forms_values()}")
        con.execute(f"""
            create temp table responses as
            with feedback as (
                select
                    cast(feedback_id as varchar) as feedback_id,
                    cast(customer_id as varchar) as customer_id,
                    cast(order_id as varchar) as order_id,
                    cast(submitted_ts as varchar) as submitted_text,
                    try_cast(submitted_ts as timestamp) as submitted_ts,
                    cast(survey_type as varchar) as survey_type,
                    cast(score as varchar) as score,
                    cast(comment as varchar) as comment,
                    cast(channel as varchar) as channel,
                    cast(language as varchar) as language
                from {feedback}
            ),

            answered as (
                select
                    feedback.*,
                    forms.*,
                    -- Typeform writes whole numbers as JSON integers; a value that is not a number
                    -- (a generated bad row) stays as its text
                    coalesce(try_cast(feedback.score as json), to_json(feedback.score)) as score_json
                from feedback
                inner join forms on coalesce(feedback.survey_type, '') = forms.survey_type
                    or (forms.survey_type = ''
                        and coalesce(feedback.survey_type, '') not in ('nps', 'csat', 'product_review'))
            )

            select
                feedback_id as landing_id,
                feedback_id as token,
                feedback_id as response_id,
                'completed' as response_type,
                case
                    when submitted_ts is null then submitted_text
                    else strftime(submitted_ts - interval 95 second, '%Y-%m-%dT%H:%M:%SZ')
                end as landed_at,
                case
                    when submitted_ts is null then submitted_text
                    else strftime(submitted_ts, '%Y-%m-%dT%H:%M:%SZ')
                end as submitted_at,
                {{'user_agent': 'Mozilla/5.0', 'platform': 'other',
                  'referer': 'https://shop.typeform.com/to/' || form_id}} as metadata,
                {{'customer_id': customer_id, 'order_id': order_id, 'channel': channel,
                  'language': language}} as hidden,
                {{'score': 0}} as calculated,
                list_concat(
                    [to_json({{'field': {{'id': score_field_id, 'type': score_field_type, 'ref': score_field_ref}},
                               'type': 'number', 'number': score_json}})],
                    case
                        when comment is not null then
                            [to_json({{'field': {{'id': comment_field_id, 'type': 'long_text',
                                                  'ref': comment_field_ref}},
                                       'type': 'text', 'text': comment}})]
                        else []
                    end
                ) as answers,
                form_id
            from answered
        """)
        con.execute(f"copy responses to '{responses_path}' (format json)")
        con.execute(f"""
            copy (
                select
                    form_id as id,
                    'form' as type,
                    title,
                    {{'language': language, 'is_public': true}} as settings,
                    [{{'id': score_field_id, 'ref': score_field_ref, 'type': score_field_type}},
                     {{'id': comment_field_id, 'ref': comment_field_ref, 'type': 'long_text'}}] as fields,
                    ['customer_id', 'order_id', 'channel', 'language'] as hidden
                from forms
                order by form_id
            ) to '{forms_path}' (format json)
        """)
        counts = {
            "responses": con.execute("select count(*) from responses").fetchone()[0],
            "forms": con.execute("select count(*) from forms").fetchone()[0],
        }
    return counts
