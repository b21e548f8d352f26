# frozen_string_literal: true

require "securerandom"
require "digest"

class User < ApplicationRecord
  has_secure_password
  has_many :api_tokens, dependent: :destroy

  EMAIL_FORMAT = /\A[^@\s]+@[^@\s]+\z/
  validates :email, presence: true, format: { with: EMAIL_FORMAT }, uniqueness: { case_sensitive: false }
  validates :password, length: { minimum: 12 }, allow_nil: true

  before_save { self.email = email.downcase.strip }

  def issue_token!(scopes: %w[read])
    token = SecureRandom.urlsafe_base64(32)
    api_tokens.create!(digest: Digest::SHA256.hexdigest(token), scopes: scopes, expires_at: 90.days.from_now)
    token
  end

  def gravatar_url(size: 80)
    hash = Digest::MD5.hexdigest(email)
    "https://www.gravatar.com/avatar/#{hash}?s=#{size}"
  end
end

# spec/models/user_spec.rb
RSpec.describe User do
  let(:user) { User.create!(email: "Someone@Example.com", password: "a long enough phrase") }

  it "downcases the address" do
    expect(user.email).to eq("someone@example.com")
  end

  it "issues a token and stores only its digest" do
    token = user.issue_token!
    expect(token.length).to be >= 43
    expect(user.api_tokens.last.digest).to eq(Digest::SHA256.hexdigest(token))
  end
end
