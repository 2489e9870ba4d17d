{#- True when the text parses as strict JSON: NaN and Infinity are not JSON values (RFC 8259). -#}
{% macro is_valid_json(column) -%}
    {{ return(adapter.dispatch('is_valid_json', 'engagement_warehouse')(column)) }}
{%- endmacro %}

{% macro default__is_valid_json(column) -%}
    (get_json_object({{ column }}, '$') is not null)
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
