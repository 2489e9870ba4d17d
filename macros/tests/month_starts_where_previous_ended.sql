{#- Months whose start_mrr differs from the previous month's end_mrr (an MRR bridge must chain). -#}
{% test month_starts_where_previous_ended(model, month_column='month_start') %}

select *
from (
    select
        {{ month_column }},
        start_mrr,
        lag(end_mrr) over (order by {{ month_column }}) as previous_end_mrr
    from {{ model }}
) chained
where previous_end_mrr is not null and start_mrr <> previous_end_mrr

{% endtest %}
