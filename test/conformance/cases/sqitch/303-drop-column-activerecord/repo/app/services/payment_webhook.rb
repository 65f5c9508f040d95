class PaymentWebhook
  def call(payload)
    invoice = Invoice.find_by!(external_ref: payload.fetch('reference'))
    invoice.update!(status: 'paid')
  end
end
