{#- True when the text parses as strict JSON: NaN and Infinity are not JSON values (RFC 8259). -#}
{% macro is_valid_json(column) -%}
    {{ return(adapter.dispatch('is_valid_json', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__is_valid_json(column) -%}
    (get_json_object({{ column }}, '$') is not null)
{%- endmacro %}

{#- Spark's get_json_object accepts single-quoted JSON; try_parse_json (Spark 4) does not, and rejects NaN and
    Infinity. Both accept text after the value ('{"a": 1} x'), which DuckDB rejects (docs/spark.md). -#}
{% macro spark__is_valid_json(column) -%}
    (try_parse_json({{ column }}) is not null)
{%- endmacro %}

{% macro duckdb__is_valid_json(column) -%}
    -- DuckDB's parser accepts NaN/Infinity; look for them as values (outside strings) in the normalised text.
    -- (json() raises on invalid text, so it only sees what json_valid accepted.)
    case
        when not coalesce(json_valid({{ column }}), false) then false
        when not regexp_matches({{ column }}, 'nan|inf', 'i') then true
        else not regexp_matches(json({{ column }}), '[:,\[]-?(nan|inf|infinity)[,}\]]', 'i')
    end
{%- endmacro %}
