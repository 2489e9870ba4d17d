{#-
    Every audience member may be contacted on their channel: consent for that channel in the
    customer's latest staged profile, and never an unsubscribe from any message. Returns offenders.
-#}
{% test audience_members_have_consent(model, channel_column='channel') %}

with

members as (
    select * from {{ model }}
),

customers as (
    select * from {{ ref('stg_app__customers') }}
),

unsubscribed as (
    select distinct customer_key from {{ ref('stg_marketing__messages') }} where unsubscribed_at is not null
)

select members.customer_key, members.{{ channel_column }}
from members
left join customers on members.customer_key = customers.customer_key
left join unsubscribed on members.customer_key = unsubscribed.customer_key
where unsubscribed.customer_key is not null
    or not coalesce(case members.{{ channel_column }}
        when 'email' then customers.consent_email
        when 'push' then customers.consent_push
        when 'sms' then customers.consent_sms
        when 'in_app' then customers.consent_in_app
    end, false)

{% endtest %}
